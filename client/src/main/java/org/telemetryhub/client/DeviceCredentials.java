package org.telemetryhub.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * What a device needs to reach its hub: the hub's base URL (such as {@code http://127.0.0.1:8080}), its device id and
 * the secret it got when it was provisioned. The secret never appears in {@link #toString()}.
 */
public record DeviceCredentials(URI hub, String deviceId, String secret) {

    public DeviceCredentials {
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(secret, "secret");
        hub = baseUrl(hub.toString(), "hub");
    }

    /** Credentials for the hub at {@code hubUrl}. */
    public static DeviceCredentials of(String hubUrl, String deviceId, String secret) {
        return new DeviceCredentials(baseUrl(hubUrl, "hub"), deviceId, secret);
    }

    /**
     * Checks and normalises a hub's base URL: http or https, a host, no path, query, fragment or user info; trailing
     * slashes are dropped. {@code name} is what a failure calls the value, such as {@code --hub}.
     */
    public static URI baseUrl(String value, String name) {
        String text = value.trim();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw badUrl(value, name);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw badUrl(value, name);
        }
        return uri;
    }

    /** The device WebSocket endpoint of this hub: ws(s)://host:port/ws/device. */
    public URI deviceSocket() {
        return deviceSocket(hub);
    }

    /** The device WebSocket endpoint of the hub at {@code base}. */
    public static URI deviceSocket(URI base) {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + "/ws/device");
    }

    private static HubException badUrl(String value, String name) {
        String shown = value.length() <= 64 ? value : value.substring(0, 64) + "...";
        return new HubException(name + " must be the hub's base URL such as http://127.0.0.1:8080 (http or https, "
                + "no path), but was '" + shown + "'");
    }

    @Override
    public String toString() {
        return "DeviceCredentials[hub=" + hub + ", deviceId=" + deviceId + "]";
    }
}
