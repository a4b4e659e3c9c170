package org.telemetryhub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** A device over WebSocket against a scripted hub: verdicts by seq, resends after a drop, commands and state. */
class WsDeviceTest {

    private static final long TS = 1_764_057_600_000L;
    private final SocketHub hub = new SocketHub();

    WsDeviceTest() throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
    }

    private HubDevice connect(HubDeviceBuilder builder) {
        return builder.backoff(Duration.ofMillis(10), Duration.ofMillis(40)).connect();
    }

    private HubDeviceBuilder device() {
        return HubDevice.builder(DeviceCredentials.of(hub.url(), "d-1", "s3cret"));
    }

    private static Reading reading(long seq) {
        return new Reading(seq, TS + seq, Map.of("temperature", 21.5));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void a_rejection_and_the_ack_after_it_are_matched_to_the_readings_by_seq() throws Exception {
        try (HubDevice device = connect(device())) {
            SocketHub.DeviceSocket socket = hub.nextSocket();
            CompletionStage<List<Verdict>> verdicts = device.send(List.of(reading(1), reading(2), reading(3)));

            assertEquals(Wire.batchFrame(List.of(reading(1), reading(2), reading(3))), socket.next());
            socket.send("{\"type\":\"rejected\",\"seq\":2,\"error\":\"invalid_ts\",\"message\":\"m\"}");
            socket.send("{\"type\":\"ack\",\"seq\":3}");

            assertEquals(List.of(new Verdict.Accepted(1), new Verdict.Rejected(2, "invalid_ts", "m"),
                    new Verdict.Accepted(3)), await(verdicts));
        }
    }

    @Test
    void readings_unanswered_when_the_hub_drops_the_socket_are_resent_on_the_next_one() throws Exception {
        try (HubDevice device = connect(device())) {
            SocketHub.DeviceSocket first = hub.nextSocket();
            CompletionStage<Verdict> verdict = device.send(reading(7));
            String frame = first.next();

            first.close();
            SocketHub.DeviceSocket second = hub.nextSocket();
            String resent = second.next();
            second.send("{\"type\":\"ack\",\"seq\":7}");

            assertEquals(frame, resent);
            assertEquals(new Verdict.Accepted(7), await(verdict));
            assertEquals(2, hub.tickets.get());
        }
    }

    @Test
    void a_frame_refused_whole_is_resent_after_the_wait_the_hub_asked_for() throws Exception {
        try (HubDevice device = connect(device())) {
            SocketHub.DeviceSocket socket = hub.nextSocket();
            CompletionStage<Verdict> verdict = device.send(reading(1));
            String frame = socket.next();

            socket.send("{\"type\":\"error\",\"error\":\"rate_limited\",\"message\":\"m\",\"retryAfterMs\":20,"
                    + "\"seqs\":[1]}");
            String resent = socket.next();
            socket.send("{\"type\":\"ack\",\"seq\":1}");

            assertEquals(frame, resent);
            assertEquals(new Verdict.Accepted(1), await(verdict));
        }
    }

    @Test
    void a_command_is_answered_with_the_handlers_result_and_a_failing_handler_with_its_message() throws Exception {
        try (HubDevice device = connect(device().onCommand(command -> {
            if (command.name().equals("set_interval")) {
                return CommandResult.ok(Map.of("intervalMs", command.args().path("intervalMs").asLong()));
            }
            throw new IllegalArgumentException("no such command: " + command.name());
        }))) {
            SocketHub.DeviceSocket socket = hub.nextSocket();

            socket.send("{\"type\":\"command\",\"commandId\":\"c-1\",\"name\":\"set_interval\","
                    + "\"args\":{\"intervalMs\":5000},\"expiresAt\":0}");
            socket.send("{\"type\":\"command\",\"commandId\":\"c-2\",\"name\":\"melt\",\"args\":{},\"expiresAt\":0}");

            assertEquals("{\"type\":\"command_result\",\"commandId\":\"c-1\",\"ok\":true,"
                    + "\"result\":{\"intervalMs\":5000}}", socket.next());
            assertEquals("{\"type\":\"command_result\",\"commandId\":\"c-2\",\"ok\":false,"
                    + "\"result\":{\"error\":\"no such command: melt\"}}", socket.next());
        }
    }

    @Test
    void a_device_without_a_command_handler_fails_every_command() throws Exception {
        try (HubDevice device = connect(device())) {
            SocketHub.DeviceSocket socket = hub.nextSocket();

            socket.send("{\"type\":\"command\",\"commandId\":\"c-1\",\"name\":\"reboot\",\"args\":{},\"expiresAt\":0}");

            assertEquals("{\"type\":\"command_result\",\"commandId\":\"c-1\",\"ok\":false,"
                    + "\"result\":{\"error\":\"device d-1 takes no commands\"}}", socket.next());
        }
    }

    @Test
    void a_state_delta_is_answered_with_what_the_handler_reports() throws Exception {
        try (HubDevice device = connect(device().onDesiredState(delta ->
                Map.of("mode", delta.delta().path("mode").asText())))) {
            SocketHub.DeviceSocket socket = hub.nextSocket();

            socket.send("{\"type\":\"state_delta\",\"desiredVersion\":3,\"delta\":{\"mode\":\"eco\"}}");

            assertEquals("{\"type\":\"state\",\"reported\":{\"mode\":\"eco\"}}", socket.next());
        }
    }

    @Test
    void what_the_hub_sends_the_moment_the_socket_opens_is_obeyed_not_dropped() throws Exception {
        hub.greeting.add("{\"type\":\"state_delta\",\"desiredVersion\":1,\"delta\":{\"mode\":\"eco\"}}");
        hub.greeting.add("{\"type\":\"command\",\"commandId\":\"c-1\",\"name\":\"reboot\",\"args\":{},"
                + "\"expiresAt\":0}");

        try (HubDevice device = connect(device()
                .onDesiredState(delta -> Map.of("mode", delta.delta().path("mode").asText()))
                .onCommand(command -> CommandResult.ok(Map.of("done", command.name()))))) {
            SocketHub.DeviceSocket socket = hub.nextSocket();

            assertEquals("{\"type\":\"state\",\"reported\":{\"mode\":\"eco\"}}", socket.next());
            assertTrue(socket.next().contains("\"commandId\":\"c-1\""));
        }
    }
}
