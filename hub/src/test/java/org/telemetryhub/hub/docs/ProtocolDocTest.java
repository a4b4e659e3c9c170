package org.telemetryhub.hub.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The document's convention, without a hub: what parses, what is refused, and how answers are compared. */
class ProtocolDocTest {

    static final String SETTINGS = "```yaml settings\ningest.maxBatch: 5\n```\n";
    static final String EXAMPLE = "```http example=live\nGET /health/live\n```\n\n"
            + "```http response\nHTTP/1.1 200 OK\n\n{\"status\":\"up\"}\n```\n";

    @Test
    void an_http_example_parses_into_its_request_and_answer() {
        ProtocolDoc doc = ProtocolDoc.parse(SETTINGS + EXAMPLE);

        ProtocolDoc.HttpExample live = (ProtocolDoc.HttpExample) doc.examples().get(0);
        assertEquals(Map.of("ingest.maxBatch", "5"), doc.settings());
        assertEquals("GET", live.request().method());
        assertEquals(200, live.response().status());
        assertEquals("{\"status\":\"up\"}", live.response().body());
        assertEquals(1, ProtocolDoc.exampleMarks(SETTINGS + EXAMPLE));
    }

    @Test
    void a_ws_example_parses_frames_with_continuation_lines_sizes_and_closes() {
        String ws = "```ws example=frames device=d\nGET /ws/device\nAuthorization: Bearer <ticket>\n\n"
                + "HTTP/1.1 101 Switching Protocols\n\n→ {\"type\":\"batch\",\"readings\":[\n    {\"seq\":1}]}\n"
                + "← {\"type\":\"ack\",\"seq\":1}\n→ (binary, 3 bytes)\n← (close 1003 \"binary …\")\n```\n";

        ProtocolDoc.WsExample example = (ProtocolDoc.WsExample) ProtocolDoc.parse(SETTINGS + ws).examples().get(0);

        assertEquals(101, example.handshake().orElseThrow().response().status());
        assertEquals(List.of(new ProtocolDoc.Send("{\"type\":\"batch\",\"readings\":[\n    {\"seq\":1}]}"),
                new ProtocolDoc.Receive("{\"type\":\"ack\",\"seq\":1}"), new ProtocolDoc.SendSized(true, 3),
                new ProtocolDoc.Close(1003, "binary …")), example.steps());
    }

    @Test
    void a_dashboard_example_parses_the_client_closing_and_the_clock_moving() {
        String ws = "```ws example=watch dashboard=ops\n→ {\"type\":\"subscribe\",\"device\":\"d\"}\n"
                + "(the hub's clock moves on 3001 ms)\n← {\"type\":\"presence\"}\n→ (close 1000)\n← (close 1000)\n```\n";

        ProtocolDoc.WsExample example = (ProtocolDoc.WsExample) ProtocolDoc.parse(SETTINGS + ws).examples().get(0);

        assertEquals(ProtocolDoc.Peer.DASHBOARD, example.peer());
        assertEquals("ops", example.label());
        assertEquals(List.of(new ProtocolDoc.Send("{\"type\":\"subscribe\",\"device\":\"d\"}"),
                new ProtocolDoc.ClockMoves(3001), new ProtocolDoc.Receive("{\"type\":\"presence\"}"),
                new ProtocolDoc.SendClose(1000, null), new ProtocolDoc.Close(1000, null)), example.steps());
    }

    @Test
    void a_ws_example_names_either_a_device_or_a_dashboard() {
        String both = "```ws example=x device=d dashboard=o\n← (close 1000)\n```\n";
        String neither = "```ws example=x\n← (close 1000)\n```\n";

        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + both));
        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + neither));
    }

    @Test
    void an_sse_example_parses_its_request_answer_head_and_events() {
        String sse = "```sse example=feed stream=s\nGET /api/devices/d/stream\nLast-Event-ID: 4\n\n"
                + "HTTP/1.1 200 OK\nContent-Type: text/event-stream\n\nid: 5\nevent: reading\ndata: {\"offset\":5}\n\n"
                + "event: rejection\ndata: {}\n```\n";

        ProtocolDoc.SseExample example = (ProtocolDoc.SseExample) ProtocolDoc.parse(SETTINGS + sse).examples().get(0);

        ProtocolDoc.Handshake opening = example.opening().orElseThrow();
        assertEquals(List.of(new ProtocolDoc.Header("Last-Event-ID", "4")), opening.request().headers());
        assertEquals(200, opening.response().status());
        assertEquals(List.of(
                new ProtocolDoc.SseEvent(List.of(new ProtocolDoc.Field("id", "5"),
                        new ProtocolDoc.Field("event", "reading"), new ProtocolDoc.Field("data", "{\"offset\":5}"))),
                new ProtocolDoc.SseEvent(List.of(new ProtocolDoc.Field("event", "rejection"),
                        new ProtocolDoc.Field("data", "{}")))), example.events());
    }

    @Test
    void an_sse_example_may_end_with_the_hub_ending_the_stream_and_nothing_after_it() {
        String ends = "```sse example=last stream=s\nevent: session_ended\ndata: {}\n\n"
                + "(the hub ends the stream)\n```\n";
        String after = "```sse example=last stream=s\n(the hub ends the stream)\n\nevent: reading\n```\n";

        ProtocolDoc.SseExample example = (ProtocolDoc.SseExample) ProtocolDoc.parse(SETTINGS + ends).examples().get(0);

        assertTrue(example.ends());
        assertEquals(1, example.events().size());
        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + after));
    }

    @Test
    void a_pending_request_is_answered_by_a_later_block_and_both_are_counted() {
        String markdown = SETTINGS + "```http example=wait pending\nGET /api/devices/d/readings?after=1\n```\n\n"
                + EXAMPLE + "\n```http response to=wait\nHTTP/1.1 200 OK\n\n{\"readings\":[]}\n```\n";

        List<ProtocolDoc.Example> examples = ProtocolDoc.parse(markdown).examples();

        assertTrue(((ProtocolDoc.HttpExample) examples.get(0)).pending());
        assertEquals("live", examples.get(1).name());
        assertEquals(new ProtocolDoc.PendingAnswer("wait", 18, new ProtocolDoc.Response(200, List.of(),
                "{\"readings\":[]}")), examples.get(2));
        assertEquals(3, ProtocolDoc.exampleMarks(markdown));
    }

    @Test
    void a_pending_request_without_its_answer_or_an_answer_without_its_request_fails_the_parse() {
        String unanswered = "```http example=wait pending\nGET /health\n```\n";
        String stray = "```http response to=wait\nHTTP/1.1 200 OK\n```\n";

        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + unanswered));
        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + stray));
    }

    @Test
    void a_line_that_starts_with_inline_code_is_no_fence_and_is_not_counted() {
        String prose = "```` ```ws example=x device=d ```` opens a WebSocket example.\n";

        assertEquals(1, ProtocolDoc.parse(SETTINGS + prose + EXAMPLE).examples().size());
        assertEquals(1, ProtocolDoc.exampleMarks(SETTINGS + prose + EXAMPLE));
    }

    @Test
    void a_fenced_block_that_is_no_example_fails_the_parse() {
        String stray = "```json\n{\"error\":\"bad_message\"}\n```\n";

        var failure = assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + stray));

        assertTrue(failure.getMessage().startsWith("docs/protocol.md line 4: this block is no example"),
                failure.getMessage());
    }

    @Test
    void an_http_example_without_its_answer_fails_the_parse() {
        String lonely = "```http example=lonely\nGET /health\n```\n";

        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + lonely));
    }

    @Test
    void an_unclosed_block_and_a_missing_settings_block_fail_the_parse() {
        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(SETTINGS + "```http example=x\n"));
        assertThrows(ProtocolDoc.FormatException.class, () -> ProtocolDoc.parse(EXAMPLE));
    }

    @Test
    void placeholders_take_their_value_from_an_answer_and_fill_later_requests() {
        Placeholders placeholders = new Placeholders(1_000, 8080, Map.of());
        Placeholders.Answer answer = placeholders.answer("ticket answer");

        answer.json("{\"ticket\":\"<ticket>\",\"expiresAt\":<now+60000>,\"lastSeq\":…}",
                "{\"ticket\":\"t-123\",\"expiresAt\":61000,\"lastSeq\":7}");
        answer.commit();

        assertEquals("Bearer t-123 at 1000 on 8080", placeholders.fill("Bearer <ticket> at <now> on <port>"));
    }

    @Test
    void an_answer_with_another_message_or_an_extra_key_does_not_match() {
        Placeholders placeholders = new Placeholders(0, 0, Map.of());

        assertThrows(AssertionError.class, () -> placeholders.answer("a").json(
                "{\"error\":\"forbidden\",\"message\":\"this ticket belongs to another device\"}",
                "{\"error\":\"forbidden\",\"message\":\"this ticket belongs elsewhere\"}"));
        assertThrows(AssertionError.class, () -> placeholders.answer("b").json(
                "{\"acked\":[1]}", "{\"acked\":[1],\"rejected\":[]}"));
        assertThrows(AssertionError.class, () -> placeholders.answer("c").json(
                "{\"token\":\"<token>\",\"again\":\"<token>\"}", "{\"token\":\"x\",\"again\":\"y\"}"));
    }

    @Test
    void a_message_that_names_a_placeholder_is_matched_literally() {
        Placeholders placeholders = new Placeholders(0, 0, Map.of("token", "secret-token"));
        Placeholders.Answer answer = placeholders.answer("401");

        answer.json("{\"message\":\"sign in with Authorization: Bearer <token>\"}",
                "{\"message\":\"sign in with Authorization: Bearer <token>\"}");
        answer.commit();

        assertEquals("secret-token", placeholders.fill("<token>"));
    }

    @Test
    void a_placeholder_without_a_value_fails_the_request() {
        assertThrows(AssertionError.class, () -> new Placeholders(0, 0, Map.of()).fill("Bearer <ticket>"));
    }

    @Test
    void a_line_of_ellipsis_in_a_text_body_stands_for_any_lines() {
        Placeholders.Answer answer = new Placeholders(0, 0, Map.of()).answer("metrics");

        answer.text("…\n# TYPE hub_readings_accepted_total counter\nhub_readings_accepted_total 18.0\n…",
                "a 1\n# TYPE hub_readings_accepted_total counter\nhub_readings_accepted_total 18.0\n");
        assertThrows(AssertionError.class, () -> answer.text("…\nhub_readings_accepted_total 18.0\n…",
                "hub_readings_accepted_total 19.0\n"));
    }
}
