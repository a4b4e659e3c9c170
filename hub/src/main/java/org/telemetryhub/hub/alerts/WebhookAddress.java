package org.telemetryhub.hub.alerts;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.telemetryhub.protocol.Ids;

/**
 * Where a webhook may point: an http(s) URL whose host resolves only to public addresses, unless private ones are
 * allowed. Checked when the webhook is made and again before every attempt, since a name may resolve elsewhere later.
 */
final class WebhookAddress {

    private WebhookAddress() {}

    /** The URL, checked; the message names the rule it breaks. */
    static URI check(String url, boolean allowPrivate) throws InvalidDefinition {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidDefinition("url must be an http or https URL, but was \"" + Ids.echo(url) + "\"");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new InvalidDefinition("url must be an http or https URL with a host and no user or fragment, but was \""
                    + Ids.echo(url) + "\"");
        }
        checkHost(uri, allowPrivate);
        return uri;
    }

    /** Resolves the host and refuses loopback, private, link-local and other non-public addresses. */
    static void checkHost(URI uri, boolean allowPrivate) throws InvalidDefinition {
        if (allowPrivate) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new InvalidDefinition("url's host must resolve, but " + Ids.echo(uri.getHost()) + " did not");
        }
        for (InetAddress address : addresses) {
            if (isPrivate(address)) {
                throw new InvalidDefinition("url must not point at a loopback, private or link-local address (unless "
                        + "alerts.webhooks.allowPrivate is true), but " + Ids.echo(uri.getHost()) + " is "
                        + address.getHostAddress());
            }
        }
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // shared address space 100.64.0.0/10
    }
}
