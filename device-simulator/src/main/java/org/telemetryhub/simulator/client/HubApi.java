package org.telemetryhub.simulator.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.DeviceCredentials;
import org.telemetryhub.client.HubCalls;
import org.telemetryhub.client.HubRefusedException;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.client.Tickets;
import org.telemetryhub.simulator.SimulatorException;

/**
 * The operator calls the simulator's tools make over the public HTTP API: log in for a bearer token, provision and
 * delete devices, queue commands, page through a device's stored readings; and, through the device SDK, trade a
 * device secret for a ticket. Every failure says what was attempted and what the hub (or the network) answered; a
 * refusal is a {@link HubRefusedException}. Secrets, tickets and tokens never appear in messages.
 */
public final class HubApi {

    /** A login refused because another for its username was waiting is tried again, at most this many times. */
    private static final int LOGIN_TURNS = 20;
    private static final long LOGIN_RETRY_MS = 250;

    /** One stored reading as {@code GET /api/devices/{id}/readings?after=N} lists it. */
    public record StoredReading(long offset, long seq, long ts, JsonNode metrics) {}

    private final HubCalls calls;
    private final Tickets tickets;
    private final URI base;
    private volatile String token;
    private volatile String username;
    private volatile String password;

    public HubApi(HttpClient http, URI base) {
        this.calls = new HubCalls(http, base, "--hub");
        this.tickets = new Tickets(calls);
        this.base = base;
    }

    /** Checks and normalises {@code --hub}: an http(s) URL with a host and no path, query or fragment. */
    public static URI hubUrl(String value) {
        return DeviceCredentials.baseUrl(value, "--hub");
    }

    /** The device WebSocket endpoint for this hub: ws(s)://host:port/ws/device. */
    public URI deviceSocket() {
        return DeviceCredentials.deviceSocket(base);
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
        HubCalls.Answer answer = calls.call("POST", "/api/login", body, null,
                "log in as operator '" + cut(username) + "'");
        // logins for one username take turns: another from this address (a second simulator, say) may be waiting
        for (int attempt = 1; answer.status() == 429 && attempt < LOGIN_TURNS; attempt++) {
            pause(Math.max(LOGIN_RETRY_MS, answer.askedWaitMs()));
            answer = calls.call("POST", "/api/login", body, null, "log in as operator '" + cut(username) + "'");
        }
        if (answer.status() == 401) {
            throw new SimulatorException("log in as operator '" + cut(username) + "' failed: the hub at " + base
                    + " answered 401 bad_credentials (wrong username or password); check --user and "
                    + "--password / --password-file");
        }
        calls.expect(answer, 200, "log in as operator '" + cut(username) + "'");
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

    private String secret(HubCalls.Answer answer, String what) {
        if (answer.status() == 403) {
            throw new SimulatorException(what + " failed: 403 forbidden; the operator given by --user must have role "
                    + "admin");
        }
        calls.expect(answer, 201, what);
        return calls.text(answer, "secret", what);
    }

    public Ticket ticket(String deviceId, String secret) {
        return tickets.request(deviceId, secret);
    }

    /** {@link #ticket} without blocking a thread: for devices that reconnect many at a time. */
    public CompletableFuture<Ticket> ticketAsync(String deviceId, String secret) {
        return tickets.requestAsync(deviceId, secret);
    }

    /** Queues a command for a device ({@code POST /api/devices/{id}/commands}) and returns its id. */
    public CompletableFuture<String> commandAsync(String deviceId, String name, Map<String, Object> args) {
        String what = "send command " + name + " to device " + deviceId;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("args", args);
        return callAsync("POST", "/api/devices/" + deviceId + "/commands", body, true, what).thenApply(answer -> {
            calls.expect(answer, 201, what);
            return calls.text(answer, "commandId", what);
        });
    }

    /** Up to {@code limit} stored readings of a device after {@code offset}, in offset order. */
    public List<StoredReading> readingsAfter(String deviceId, long offset, int limit) {
        String what = "read the stored readings of device " + deviceId;
        HubCalls.Answer answer = call("GET", "/api/devices/" + deviceId + "/readings?after=" + offset + "&limit="
                + limit, null, true, what);
        calls.expect(answer, 200, what);
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
        HubCalls.Answer answer = call("DELETE", "/api/devices/" + deviceId, null, true, what);
        if (answer.status() != 404) {
            calls.expect(answer, 204, what);
        }
    }

    /**
     * One call; an authenticated one that finds the session gone (it expired, or a hub restarted from a store that had
     * not kept it) signs in again once and repeats.
     */
    private HubCalls.Answer call(String method, String path, Object body, boolean authenticated, String what) {
        HubCalls.Answer answer = calls.call(method, path, body, authenticated ? token : null, what);
        if (authenticated && answer.status() == 401 && password != null) {
            signIn(username, password);
            answer = calls.call(method, path, body, token, what);
        }
        return answer;
    }

    private CompletableFuture<HubCalls.Answer> callAsync(String method, String path, Object body,
                                                         boolean authenticated, String what) {
        return calls.callAsync(method, path, body, authenticated ? token : null, what);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("interrupted while waiting for a turn to log in");
        }
    }

    private static String cut(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
