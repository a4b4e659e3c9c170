package org.telemetryhub.hub.http;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * Which {@code Host} names and browser {@code Origin}s the hub answers: loopback names on its own port, and the
 * configured public origin. Anything else may be a DNS-rebinding or cross-site request.
 */
public final class Origins {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Optional<URI> publicOrigin;
    private final IntSupplier port;

    public Origins(Optional<URI> publicOrigin, IntSupplier port) {
        this.publicOrigin = publicOrigin;
        this.port = port;
    }

    /** True for a {@code Host} header naming a loopback host or the public origin's host. */
    public boolean isAllowedHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) {
            name = name.substring(0, colon);
        }
        String hostName = name;
        return LOOPBACK.contains(hostName) || publicOrigin.map(o -> o.getHost().equalsIgnoreCase(hostName))
                .orElse(false);
    }

    /** True for the public origin, and http(s) loopback origins on the hub's own port. */
    public boolean isAllowedOrigin(String origin) {
        if (origin == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (Exception e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return false;
        }
        if (publicOrigin.isPresent() && sameOrigin(uri, publicOrigin.get())) {
            return true;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https"))
                && (LOOPBACK.contains(host) || host.equals("::1") || host.equals("[::1]"))
                && uri.getPort() == port.getAsInt();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
