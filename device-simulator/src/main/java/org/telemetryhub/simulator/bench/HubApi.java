package org.telemetryhub.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.telemetryhub.protocol.Wire;

/**
 * The few operator and device calls the benchmark needs, over the public HTTP API: log in for a bearer token,
 * provision devices, trade a device secret for a ticket. Every failure becomes a {@link BenchException} that says
 * what was attempted and what the hub (or the network) answered; secrets and tickets never appear in messages.
 */
final class HubApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** What {@code POST /api/tickets} answers. */
    record Ticket(String ticket, long lastSeq) {}

    private final HttpClient http;
    private final URI base;
    private volatile String token;

    HubApi(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** Checks and normalises {@code --hub}: an http(s) URL with a host and no path, query or fragment. */
    static URI hubUrl(String value) {
        String text = value.trim();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw badUrl(value);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw badUrl(value);
        }
        return uri;
    }

    private static BenchException badUrl(String value) {
        return new BenchException("--hub must be the hub's base URL such as http://127.0.0.1:8080 (http or https, "
                + "no path), but was '" + cut(value) + "'");
    }

    /** The device WebSocket endpoint for this hub: ws(s)://host:port/ws/device. */
    URI deviceSocket() {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + "/ws/device");
    }

    URI base() {
        return base;
    }

    void login(String username, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("issueToken", true);
        Answer answer = call("POST", "/api/login", body, false, "log in as operator '" + cut(username) + "'");
        if (answer.status() == 401) {
            throw new BenchException("log in as operator '" + cut(username) + "' failed: the hub at " + base
                    + " answered 401 bad_credentials (wrong username or password); check --user and "
                    + "--password / --password-file");
        }
        expect(answer, 200, "log in as operator '" + cut(username) + "'");
        JsonNode tokenNode = answer.json() == null ? null : answer.json().get("token");
        if (tokenNode == null || !tokenNode.isTextual()) {
            throw new BenchException("log in at " + base + " answered 200 without a token; is this a telemetry hub?");
        }
        token = tokenNode.asText();
    }

    /** Provisions a fresh device and returns its secret. */
    String provision(String deviceId, String namespace, long reportIntervalMs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("namespace", namespace);
        body.put("reportIntervalMs", reportIntervalMs);
        String what = "provision device " + deviceId;
        Answer answer = call("POST", "/api/devices", body, true, what);
        if (answer.status() == 403) {
            throw new BenchException(what + " failed: 403 forbidden; the operator given by --user must have role "
                    + "admin");
        }
        expect(answer, 201, what);
        return text(answer, "secret", what);
    }

    Ticket ticket(String deviceId, String secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("secret", secret);
        String what = "get a ticket for device " + deviceId;
        Answer answer = call("POST", "/api/tickets", body, false, what);
        expect(answer, 201, what);
        JsonNode lastSeq = answer.json().get("lastSeq");
        return new Ticket(text(answer, "ticket", what), lastSeq != null && lastSeq.canConvertToLong()
                ? lastSeq.asLong() : 0);
    }

    /** Deletes a device; a device that is already gone is fine. */
    void delete(String deviceId) {
        String what = "delete device " + deviceId;
        Answer answer = call("DELETE", "/api/devices/" + deviceId, null, true, what);
        if (answer.status() != 404) {
            expect(answer, 204, what);
        }
    }

    private record Answer(int status, JsonNode json, String raw) {}

    private Answer call(String method, String path, Object body, boolean authenticated, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Wire.encode(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (authenticated) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(what + " was interrupted");
        } catch (IOException | RuntimeException e) {
            throw unreachable(what, e);
        }
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : Wire.tree(response.body());
        } catch (IOException e) {
            // not JSON: reported by expect() with the status
        }
        return new Answer(response.statusCode(), json, response.body());
    }

    private BenchException unreachable(String what, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "the connection timed out";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException || cause instanceof ConnectException) {
            why = "the connection was refused";
        } else if (hasCause(e, UnresolvedAddressException.class)
                || hasCause(e, java.net.UnknownHostException.class)) {
            why = "the host name does not resolve";
        } else if (hasCause(e, javax.net.ssl.SSLException.class)) {
            why = "the TLS handshake failed (" + cause.getClass().getSimpleName() + ")";
        } else {
            why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return new BenchException("cannot " + what + ": the hub at " + base + " is not reachable (" + why
                + "); is it running, and is --hub right?", e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void expect(Answer answer, int status, String what) {
        if (answer.status() == status) {
            return;
        }
        JsonNode json = answer.json();
        if (json != null && json.isObject() && json.path("error").isTextual()) {
            throw new BenchException(what + " failed: " + answer.status() + " " + json.path("error").asText()
                    + (json.path("message").isTextual() ? ": " + json.path("message").asText() : ""));
        }
        throw new BenchException(what + " failed: the server at " + base + " answered HTTP " + answer.status()
                + " without a hub error body; is --hub the telemetry hub?");
    }

    private String text(Answer answer, String field, String what) {
        JsonNode node = answer.json() == null ? null : answer.json().get(field);
        if (node == null || !node.isTextual()) {
            throw new BenchException(what + ": the answer has no '" + field + "'; is --hub the telemetry hub?");
        }
        return node.asText();
    }

    private static String cut(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
