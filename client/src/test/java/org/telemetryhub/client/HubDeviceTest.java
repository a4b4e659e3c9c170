package org.telemetryhub.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telemetryhub.client.LoopbackHub.Reply;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Reading;

/** A device over HTTP against a scripted hub: verdicts, refusals, resends and reconnects. */
class HubDeviceTest {

    private static final long TS = 1_764_057_600_000L;
    private static final Reply STORE_DOWN_FOR_A_MINUTE = new Reply(503,
            "{\"error\":\"store_unavailable\",\"message\":\"m\",\"retryAfterMs\":60000}");
    private final LoopbackHub hub = new LoopbackHub();

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubDevice connect() {
        return HubDevice.builder(DeviceCredentials.of(hub.url(), "d-1", "s3cret")).overHttp()
                .backoff(Duration.ofMillis(10), Duration.ofMillis(40)).connect();
    }

    private static Reading reading(long seq) {
        return new Reading(seq, TS + seq, Map.of("temperature", 21.5));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void connect_takes_the_highest_stored_seq_from_the_ticket() {
        hub.tickets(n -> LoopbackHub.issued(41));

        try (HubDevice device = connect()) {
            assertEquals(41, device.lastStoredSeq());
            assertTrue(device.connected());
        }
    }

    @Test
    void each_reading_of_a_batch_gets_the_verdict_that_names_its_seq() throws Exception {
        hub.ingest(body -> new Reply(200, "{\"acked\":[1,3],\"rejected\":[{\"seq\":2,\"error\":\"metric_out_of_range\","
                + "\"message\":\"reading.metrics.temperature must be in [-50, 150], but was 900\"}]}"));

        try (HubDevice device = connect()) {
            List<Verdict> verdicts = await(device.send(List.of(reading(1), reading(2), reading(3))));

            assertEquals(new Verdict.Accepted(1), verdicts.get(0));
            assertEquals(new Verdict.Rejected(2, "metric_out_of_range",
                    "reading.metrics.temperature must be in [-50, 150], but was 900"), verdicts.get(1));
            assertEquals(new Verdict.Accepted(3), verdicts.get(2));
            assertEquals(0, device.unacked());
        }
    }

    @Test
    void every_error_code_the_hub_rejects_with_becomes_that_code() throws Exception {
        List<ErrorCode> codes = List.of(ErrorCode.values());
        StringBuilder rejected = new StringBuilder();
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            readings.add(reading(i + 1));
            rejected.append(i == 0 ? "" : ",").append("{\"seq\":").append(i + 1).append(",\"error\":\"")
                    .append(codes.get(i).wire()).append("\",\"message\":\"m\"}");
        }
        hub.ingest(body -> new Reply(200, "{\"acked\":[],\"rejected\":[" + rejected + "]}"));

        try (HubDevice device = HubDevice.builder(DeviceCredentials.of(hub.url(), "d-1", "s3cret")).overHttp()
                .maxBatch(codes.size()).connect()) {
            List<Verdict> verdicts = await(device.send(readings));

            for (int i = 0; i < codes.size(); i++) {
                Verdict.Rejected verdict = (Verdict.Rejected) verdicts.get(i);
                assertEquals(Optional.of(codes.get(i)), verdict.code(), codes.get(i).wire());
                assertFalse(verdict.accepted());
            }
        }
    }

    @Test
    void a_code_from_a_newer_hub_is_kept_as_text_without_a_contract_code() throws Exception {
        hub.ingest(body -> new Reply(200,
                "{\"acked\":[],\"rejected\":[{\"seq\":1,\"error\":\"brand_new_rule\",\"message\":\"m\"}]}"));

        try (HubDevice device = connect()) {
            Verdict.Rejected verdict = (Verdict.Rejected) await(device.send(reading(1)));

            assertEquals("brand_new_rule", verdict.error());
            assertEquals(Optional.empty(), verdict.code());
        }
    }

    @ParameterizedTest
    @CsvSource({"429, rate_limited", "503, store_unavailable"})
    void a_frame_refused_for_now_is_resent_after_the_wait_and_then_judged(int status, String error)
            throws Exception {
        hub.ingest(body -> hub.ingestRequests.size() == 1
                ? new Reply(status, "{\"error\":\"" + error + "\",\"message\":\"m\",\"retryAfterMs\":20}")
                : new Reply(200, "{\"acked\":[1],\"rejected\":[]}"));

        try (HubDevice device = connect()) {
            Verdict verdict = await(device.send(reading(1)));

            assertEquals(new Verdict.Accepted(1), verdict);
            assertEquals(2, hub.ingestRequests.size());
            assertEquals(hub.ingestRequests.get(0), hub.ingestRequests.get(1));
        }
    }

    @Test
    void readings_unanswered_when_the_link_ends_are_resent_on_a_fresh_ticket() throws Exception {
        hub.ingest(body -> hub.ingestRequests.size() == 1
                ? new Reply(401, "{\"error\":\"unauthorized\",\"message\":\"the ticket has expired\"}")
                : new Reply(200, "{\"acked\":[1,2],\"rejected\":[]}"));

        try (HubDevice device = connect()) {
            List<Verdict> verdicts = await(device.send(List.of(reading(1), reading(2))));

            assertEquals(List.of(new Verdict.Accepted(1), new Verdict.Accepted(2)), verdicts);
            assertEquals(2, hub.ticketRequests.size());
            assertEquals(hub.ingestRequests.get(0), hub.ingestRequests.get(1));
        }
    }

    @Test
    void reconnects_back_off_until_the_hub_issues_tickets_again() throws Exception {
        hub.tickets(n -> n == 1 || n >= 4 ? LoopbackHub.issued(0)
                : new Reply(503, "{\"error\":\"store_unavailable\",\"message\":\"m\",\"retryAfterMs\":5}"));
        hub.ingest(body -> hub.ingestRequests.size() == 1
                ? new Reply(401, "{\"error\":\"unauthorized\",\"message\":\"the ticket has expired\"}")
                : new Reply(200, "{\"acked\":[1],\"rejected\":[]}"));

        try (HubDevice device = connect()) {
            Verdict verdict = await(device.send(reading(1)));

            assertEquals(new Verdict.Accepted(1), verdict);
            assertEquals(4, hub.ticketRequests.size());
        }
    }

    @Test
    void connect_with_a_wrong_secret_fails_with_bad_credentials() {
        hub.tickets(n -> new Reply(401,
                "{\"error\":\"bad_credentials\",\"message\":\"unknown device or wrong secret\"}"));

        HubRefusedException e = assertThrows(HubRefusedException.class, this::connect);

        assertTrue(e.badCredentials());
        assertEquals("get a ticket for device d-1 failed: 401 bad_credentials: unknown device or wrong secret",
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void connect_to_a_hub_that_is_not_there_says_it_is_not_reachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        HubException e = assertThrows(HubException.class, () -> HubDevice.builder(
                DeviceCredentials.of("http://127.0.0.1:" + port, "d-1", "s3cret")).overHttp().connect());

        assertTrue(e.getMessage().contains("cannot get a ticket for device d-1: the hub at http://127.0.0.1:" + port
                + " is not reachable (the connection was refused)"), e.getMessage());
    }

    @Test
    void close_fails_the_readings_still_waiting_for_a_verdict() {
        hub.ingest(body -> STORE_DOWN_FOR_A_MINUTE);
        HubDevice device = connect();
        CompletionStage<Verdict> verdict = device.send(reading(1));

        device.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> await(verdict));
        assertTrue(e.getCause() instanceof HubException, String.valueOf(e.getCause()));
    }

    @Test
    void a_second_reading_with_a_waiting_seq_but_other_content_is_refused_at_once() {
        hub.ingest(body -> STORE_DOWN_FOR_A_MINUTE);

        try (HubDevice device = connect()) {
            device.send(reading(1));
            CompletionStage<Verdict> other = device.send(new Reading(1, TS, Map.of("humidity", 40.0)));

            ExecutionException e = assertThrows(ExecutionException.class, () -> await(other));
            assertTrue(e.getCause().getMessage().contains("reading.seq 1 must be unique"), e.getCause().getMessage());
        }
    }

    @Test
    void credentials_never_show_the_secret() {
        DeviceCredentials credentials = DeviceCredentials.of("http://hub.example.com/", "d-1", "s3cret");

        assertEquals("DeviceCredentials[hub=http://hub.example.com, deviceId=d-1]", credentials.toString());
        assertThrows(HubException.class, () -> DeviceCredentials.of("hub.example.com:8080", "d-1", "s3cret"));
    }
}
