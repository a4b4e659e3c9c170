package org.telemetryhub.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.LoopbackHub.Call;
import org.telemetryhub.client.LoopbackHub.Reply;
import org.telemetryhub.protocol.Reading;

/**
 * A device over HTTP against a scripted hub: it long-polls for commands and posts each result, reads the desired
 * delta from its state and puts what it applied, all with its ticket as bearer.
 */
class HttpCommandsTest {

    private static final String SET_INTERVAL = "{\"commandId\":\"c-1\",\"name\":\"set_interval\","
            + "\"args\":{\"intervalMs\":5000},\"expiresAt\":0}";
    private final LoopbackHub hub = new LoopbackHub();
    /** What the next poll answers, one entry a poll; a poll finds nothing within 100 ms answers an empty list. */
    private final BlockingQueue<String> polls = new LinkedBlockingQueue<>();
    private volatile String state = state(0, "{}");

    HttpCommandsTest() {
        hub.control(this::answer);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Reply answer(Call call) {
        if (call.path().contains("/commands/pending?waitMs=")) {
            try {
                String commands = polls.poll(100, TimeUnit.MILLISECONDS);
                return new Reply(200, "{\"commands\":[" + (commands == null ? "" : commands) + "]}");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Reply(500, "{}");
            }
        }
        if (call.path().endsWith("/state")) {
            return new Reply(200, state);
        }
        if (call.path().endsWith("/state/reported")) {
            return new Reply(200, "{\"reportedVersion\":1}");
        }
        return new Reply(200, "{}");
    }

    private static String state(long desiredVersion, String delta) {
        return "{\"desired\":" + delta + ",\"reported\":{},\"delta\":" + delta + ",\"desiredVersion\":"
                + desiredVersion + ",\"reportedVersion\":0,\"updatedAt\":null}";
    }

    private HubDevice connect(HubDeviceBuilder builder) {
        return builder.overHttp().backoff(Duration.ofMillis(10), Duration.ofMillis(40)).connect();
    }

    private HubDeviceBuilder device() {
        return HubDevice.builder(DeviceCredentials.of(hub.url(), "d-1", "s3cret"));
    }

    private List<Call> calls(String method, String pathEnd) {
        return hub.calls.stream().filter(c -> c.method().equals(method) && c.path().endsWith(pathEnd)).toList();
    }

    private List<Call> polls() {
        return hub.calls.stream().filter(c -> c.path().contains("/commands/pending")).toList();
    }

    @Test
    void a_polled_command_is_answered_with_a_post_of_the_handlers_result_bearing_the_ticket() {
        polls.add(SET_INTERVAL);

        try (HubDevice device = connect(device().onCommand(command ->
                CommandResult.ok(Map.of("intervalMs", command.args().path("intervalMs").asLong()))))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !calls("POST", "/commands/c-1/result").isEmpty());
        }

        Call result = calls("POST", "/commands/c-1/result").get(0);
        assertEquals("/api/devices/d-1/commands/c-1/result", result.path());
        assertEquals("{\"ok\":true,\"result\":{\"intervalMs\":5000}}", result.body());
        assertTrue(result.bearer().startsWith("Bearer t-"), result.bearer());
        assertTrue(polls().get(0).path().startsWith("/api/devices/d-1/commands/pending?waitMs="));
    }

    @Test
    void a_command_the_hub_gives_again_on_the_next_poll_is_obeyed_once() {
        polls.add(SET_INTERVAL);
        polls.add(SET_INTERVAL);
        AtomicInteger obeyed = new AtomicInteger();

        try (HubDevice device = connect(device().onCommand(command -> {
            obeyed.incrementAndGet();
            return CommandResult.ok(Map.of());
        }))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> polls().size() >= 3);
        }

        assertEquals(1, obeyed.get());
        assertEquals(1, calls("POST", "/commands/c-1/result").size());
    }

    @Test
    void the_desired_delta_is_applied_as_the_link_opens_and_again_after_each_change() {
        state = state(1, "{\"mode\":\"eco\"}");

        try (HubDevice device = connect(device().onDesiredState(delta ->
                Map.of("mode", delta.delta().path("mode").asText(), "version", delta.desiredVersion())))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> calls("PUT", "/state/reported").size() == 1);
            state = state(2, "{\"mode\":\"away\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> calls("PUT", "/state/reported").size() == 2);
            int readsSoFar = calls("GET", "/state").size();
            await().atMost(Duration.ofSeconds(10)).until(() -> calls("GET", "/state").size() >= readsSoFar + 2);
        }

        List<Call> reports = calls("PUT", "/state/reported");
        assertEquals(2, reports.size(), "an unchanged desired version is applied once");
        assertTrue(reports.get(0).body().contains("\"mode\":\"eco\""), reports.get(0).body());
        assertTrue(reports.get(1).body().contains("\"mode\":\"away\""), reports.get(1).body());
        assertTrue(polls().get(polls().size() - 1).path().endsWith("&desiredVersion=2"),
                "a poll names the desired version read last, so the hub ends it at once if that changed");
    }

    @Test
    void report_state_puts_the_reported_document() {
        try (HubDevice device = connect(device())) {
            device.reportState(Map.of("firmware", "1.2.0"));

            await().atMost(Duration.ofSeconds(10)).until(() -> !calls("PUT", "/state/reported").isEmpty());
        }

        assertEquals("{\"firmware\":\"1.2.0\"}", calls("PUT", "/state/reported").get(0).body());
    }

    @Test
    void a_device_without_handlers_takes_readings_only_and_never_polls() throws Exception {
        hub.ingest(body -> new Reply(200, "{\"acked\":[1],\"rejected\":[]}"));

        try (HubDevice device = connect(device())) {
            Verdict verdict = device.send(new Reading(1, 1_764_057_600_000L, Map.of("temperature", 21.5)))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertEquals(new Verdict.Accepted(1), verdict);
        }
        assertEquals(List.of(), hub.calls);
    }
}
