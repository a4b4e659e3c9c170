package org.telemetryhub.simulator.client;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.telemetryhub.protocol.Wire;
import org.telemetryhub.simulator.SimulatorException;

/**
 * The operator and device calls the simulator's tools make over the public HTTP API: log in for a bearer token,
 * provision and delete devices, trade a device secret for a ticket, page through a device's stored readings. Every
 * failure becomes a {@link SimulatorException} that says what was attempted and what the hub (or the network)
 * answered; secrets, tickets and tokens never appear in messages.
 */
public final class HubApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** A login refused because another for its username was waiting is tried again, at most this many times. */
    private static final int LOGIN_TURNS = 20;
    private static final long LOGIN_RETRY_MS = 250;

    /** What {@code POST /api/tickets} answers; {@code expiresAt} is on the hub's clock. */
    public record Ticket(String ticket, long expiresAt, long lastSeq) {}

    /** One stored reading as {@code GET /api/devices/{id}/readings?after=N} lists it. */
    public record StoredReading(long offset, long seq, long ts, JsonNode metrics) {}

    /** The hub answered with an error status: {@code status}, its {@code error} code and {@code retryAfterMs}. */
    public static final class Refused extends SimulatorException {
        private final int status;
        private final String error;
        private final long retryAfterMs;

        Refused(String message, int status, String error, long retryAfterMs) {
            super(message);
            this.status = status;
            this.error = error;
            this.retryAfterMs = retryAfterMs;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }

        public long retryAfterMs() {
            return retryAfterMs;
        }
    }

    private final HttpClient http;
    private final URI base;
    private volatile String token;
    private volatile String username;
    private volatile String password;

    public HubApi(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** Checks and normalises {@code --hub}: an http(s) URL with a host and no path, query or fragment. */
    public static URI hubUrl(String value) {
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

    private static SimulatorException badUrl(String value) {
        return new SimulatorException("--hub must be the hub's base URL such as http://127.0.0.1:8080 (http or https, "
                + "no path), but was '" + cut(value) + "'");
    }

    /** The device WebSocket endpoint for this hub: ws(s)://host:port/ws/device. */
    public URI deviceSocket() {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getRawAuthority() + "/ws/device");
    }

    /** The dashboard WebSocket endpoint for this hub: ws(s)://host:port/ws/dashboard. */
    public URI dashboardSocket() {
        return deviceSocket().resolve("/ws/dashboard");
    }

    public URI base() {
        return base;
    }

    /** The operator's bearer token after {@link #login}. */
    public String token() {
        return token;
    }

    public void login(String username, String password) {
        signIn(username, password);
        this.username = username;
        this.password = password;
    }

    private void signIn(String username, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("issueToken", true);
        Answer answer = call("POST", "/api/login", body, false, "log in as operator '" + cut(username) + "'");
        // logins for one username take turns: another from this address (a second simulator, say) may be waiting
        for (int attempt = 1; answer.status() == 429 && attempt < LOGIN_TURNS; attempt++) {
            pause(Math.max(LOGIN_RETRY_MS, retryAfterMs(answer)));
            answer = call("POST", "/api/login", body, false, "log in as operator '" + cut(username) + "'");
        }
        if (answer.status() == 401) {
            throw new SimulatorException("log in as operator '" + cut(username) + "' failed: the hub at " + base
                    + " answered 401 bad_credentials (wrong username or password); check --user and "
                    + "--password / --password-file");
        }
        expect(answer, 200, "log in as operator '" + cut(username) + "'");
        JsonNode tokenNode = answer.json() == null ? null : answer.json().get("token");
        if (tokenNode == null || !tokenNode.isTextual()) {
            throw new SimulatorException("log in at " + base + " answered 200 without a token; is this a telemetry hub?");
        }
        token = tokenNode.asText();
    }

    /** Provisions a fresh device and returns its secret. */
    public String provision(String deviceId, String namespace, long reportIntervalMs) {
        String what = "provision device " + deviceId;
        return secret(call("POST", "/api/devices", provisionBody(deviceId, namespace, reportIntervalMs), true, what),
                what);
    }

    /** {@link #provision} without blocking a thread: for benchmarks that provision thousands of devices. */
    public CompletableFuture<String> provisionAsync(String deviceId, String namespace, long reportIntervalMs) {
        String what = "provision device " + deviceId;
        return callAsync("POST", "/api/devices", provisionBody(deviceId, namespace, reportIntervalMs), true, what)
                .thenApply(answer -> secret(answer, what));
    }

    private static Map<String, Object> provisionBody(String deviceId, String namespace, long reportIntervalMs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("namespace", namespace);
        body.put("reportIntervalMs", reportIntervalMs);
        return body;
    }

    private String secret(Answer answer, String what) {
        if (answer.status() == 403) {
            throw new SimulatorException(what + " failed: 403 forbidden; the operator given by --user must have role "
                    + "admin");
        }
        expect(answer, 201, what);
        return text(answer, "secret", what);
    }

    public Ticket ticket(String deviceId, String secret) {
        String what = "get a ticket for device " + deviceId;
        return ticket(call("POST", "/api/tickets", ticketBody(deviceId, secret), false, what), what);
    }

    /** {@link #ticket} without blocking a thread: for devices that reconnect many at a time. */
    public CompletableFuture<Ticket> ticketAsync(String deviceId, String secret) {
        String what = "get a ticket for device " + deviceId;
        return callAsync("POST", "/api/tickets", ticketBody(deviceId, secret), false, what)
                .thenApply(answer -> ticket(answer, what));
    }

    /** Queues a command for a device ({@code POST /api/devices/{id}/commands}) and returns its id. */
    public CompletableFuture<String> commandAsync(String deviceId, String name, Map<String, Object> args) {
        String what = "send command " + name + " to device " + deviceId;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("args", args);
        return callAsync("POST", "/api/devices/" + deviceId + "/commands", body, true, what).thenApply(answer -> {
            expect(answer, 201, what);
            return text(answer, "commandId", what);
        });
    }

    private static Map<String, Object> ticketBody(String deviceId, String secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("secret", secret);
        return body;
    }

    private Ticket ticket(Answer answer, String what) {
        expect(answer, 201, what);
        return new Ticket(text(answer, "ticket", what), number(answer, "expiresAt"), number(answer, "lastSeq"));
    }

    /** Up to {@code limit} stored readings of a device after {@code offset}, in offset order. */
    public List<StoredReading> readingsAfter(String deviceId, long offset, int limit) {
        String what = "read the stored readings of device " + deviceId;
        Answer answer = call("GET", "/api/devices/" + deviceId + "/readings?after=" + offset + "&limit=" + limit,
                null, true, what);
        expect(answer, 200, what);
        JsonNode readings = answer.json().get("readings");
        if (readings == null || !readings.isArray()) {
            throw new SimulatorException(what + ": the answer has no 'readings' array; is --hub the telemetry hub?");
        }
        List<StoredReading> page = new ArrayList<>(readings.size());
        for (JsonNode r : readings) {
            page.add(new StoredReading(r.path("offset").asLong(), r.path("seq").asLong(), r.path("ts").asLong(),
                    r.path("metrics")));
        }
        return page;
    }

    /** Deletes a device; a device that is already gone is fine. */
    public void delete(String deviceId) {
        String what = "delete device " + deviceId;
        Answer answer = call("DELETE", "/api/devices/" + deviceId, null, true, what);
        if (answer.status() != 404) {
            expect(answer, 204, what);
        }
    }

    private record Answer(int status, JsonNode json, String raw, long retryAfterMs) {}

    /**
     * One call; an authenticated one that finds the session gone (it expired, or a hub restarted from a store that had
     * not kept it) signs in again once and repeats.
     */
    private Answer call(String method, String path, Object body, boolean authenticated, String what) {
        Answer answer = callOnce(method, path, body, authenticated, what);
        if (authenticated && answer.status() == 401 && password != null) {
            signIn(username, password);
            answer = callOnce(method, path, body, true, what);
        }
        return answer;
    }

    private Answer callOnce(String method, String path, Object body, boolean authenticated, String what) {
        HttpResponse<String> response;
        try {
            response = send(request(method, path, body, authenticated), method.equals("GET"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException(what + " was interrupted");
        } catch (IOException | RuntimeException e) {
            throw unreachable(what, e);
        }
        return answer(response);
    }

    /**
     * Sends a request; a GET goes once more when the first attempt failed on a pooled connection the hub had closed
     * (after a restart, or idle), since a GET that never arrived may safely be repeated.
     */
    private HttpResponse<String> send(HttpRequest request, boolean repeatable) throws IOException,
            InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (!repeatable) {
                throw e;
            }
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private CompletableFuture<Answer> callAsync(String method, String path, Object body, boolean authenticated,
                                                String what) {
        return http.sendAsync(request(method, path, body, authenticated), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw unreachable(what, cause instanceof Exception e ? e : new IOException(cause));
                    }
                    return answer(response);
                });
    }

    private HttpRequest request(String method, String path, Object body, boolean authenticated) {
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
        return request.build();
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : Wire.tree(response.body());
        } catch (IOException e) {
            // not JSON: reported by expect() with the status
        }
        long retryAfterMs = response.headers().firstValueAsLong("Retry-After").orElse(0) * 1000;
        return new Answer(response.statusCode(), json, response.body(), retryAfterMs);
    }

    private SimulatorException unreachable(String what, Exception e) {
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
        return new SimulatorException("cannot " + what + ": the hub at " + base + " is not reachable (" + why
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

    private static long retryAfterMs(Answer answer) {
        JsonNode json = answer.json();
        return json == null ? answer.retryAfterMs() : json.path("retryAfterMs").asLong(answer.retryAfterMs());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("interrupted while waiting for a turn to log in");
        }
    }

    private void expect(Answer answer, int status, String what) {
        if (answer.status() == status) {
            return;
        }
        JsonNode json = answer.json();
        if (json != null && json.isObject() && json.path("error").isTextual()) {
            long retryAfterMs = json.path("retryAfterMs").asLong(answer.retryAfterMs());
            throw new Refused(what + " failed: " + answer.status() + " " + json.path("error").asText()
                    + (json.path("message").isTextual() ? ": " + json.path("message").asText() : ""),
                    answer.status(), json.path("error").asText(), retryAfterMs);
        }
        throw new Refused(what + " failed: the server at " + base + " answered HTTP " + answer.status()
                + " without a hub error body; is --hub the telemetry hub?", answer.status(), "", 0);
    }

    private String text(Answer answer, String field, String what) {
        JsonNode node = answer.json() == null ? null : answer.json().get(field);
        if (node == null || !node.isTextual()) {
            throw new SimulatorException(what + ": the answer has no '" + field + "'; is --hub the telemetry hub?");
        }
        return node.asText();
    }

    private static long number(Answer answer, String field) {
        JsonNode node = answer.json().get(field);
        return node != null && node.canConvertToLong() ? node.asLong() : 0;
    }

    private static String cut(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
