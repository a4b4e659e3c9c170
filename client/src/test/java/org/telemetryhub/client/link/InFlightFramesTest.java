package org.telemetryhub.client.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.link.FrameVerdict.Rejection;

class InFlightFramesTest {

    private final InFlightFrames frames = new InFlightFrames();

    private static Frame frame(Long... seqs) {
        return new Frame(List.of(seqs), "{}");
    }

    @Test
    void ack_naming_the_highest_seq_answers_the_frame_that_holds_it() {
        CompletableFuture<FrameVerdict> first = frames.add(frame(1L, 2L, 3L));
        CompletableFuture<FrameVerdict> second = frames.add(frame(4L, 5L));

        assertTrue(frames.acked(5));

        assertFalse(first.isDone());
        assertEquals(new FrameVerdict.Answered(List.of(4L, 5L), List.of()), second.join());
    }

    @Test
    void rejected_highest_seq_makes_the_ack_name_the_next_one_down() {
        CompletableFuture<FrameVerdict> verdict = frames.add(frame(7L, 9L, 8L));
        Rejection rejected = new Rejection(9, "invalid_ts", "too far ahead");

        frames.rejected(rejected);
        frames.acked(8);

        assertEquals(new FrameVerdict.Answered(List.of(7L, 8L), List.of(rejected)), verdict.join());
    }

    @Test
    void frame_whose_every_reading_is_rejected_is_answered_without_an_ack() {
        CompletableFuture<FrameVerdict> verdict = frames.add(frame(3L));

        frames.rejected(new Rejection(3, "missing_metrics", "empty"));

        assertEquals(new FrameVerdict.Answered(List.of(), List.of(new Rejection(3, "missing_metrics", "empty"))),
                verdict.join());
    }

    @Test
    void a_frame_sent_twice_gets_one_answer_per_copy_oldest_first() {
        CompletableFuture<FrameVerdict> original = frames.add(frame(1L, 2L));
        CompletableFuture<FrameVerdict> copy = frames.add(frame(1L, 2L));

        frames.acked(2);

        assertTrue(original.isDone());
        assertFalse(copy.isDone());
        assertTrue(frames.acked(2));
        assertTrue(copy.isDone());
        assertFalse(frames.acked(2));
    }

    @Test
    void refusal_naming_seqs_answers_exactly_that_frame_and_one_naming_none_the_oldest() {
        CompletableFuture<FrameVerdict> oldest = frames.add(frame(1L));
        CompletableFuture<FrameVerdict> limited = frames.add(frame(2L, 3L));

        frames.refused(List.of(3L, 2L), "rate_limited", 1000);
        frames.refused(List.of(), "store_unavailable", 0);

        assertEquals(new FrameVerdict.Refused("rate_limited", 1000), limited.join());
        assertEquals(new FrameVerdict.Refused("store_unavailable", 0), oldest.join());
    }

    @Test
    void a_puback_answers_its_very_frame_and_a_frame_sent_twice_oldest_copy_first() {
        Frame rejected = frame(1L);
        CompletableFuture<FrameVerdict> first = frames.add(rejected);
        CompletableFuture<FrameVerdict> copy = frames.add(rejected);
        Frame busy = frame(2L);
        CompletableFuture<FrameVerdict> refused = frames.add(busy);

        assertTrue(frames.refused(busy, "store_unavailable", 1000));
        assertTrue(frames.rejected(rejected, "missing_metrics", "PUBACK PAYLOAD_FORMAT_INVALID"));
        assertTrue(frames.acked(rejected));

        assertEquals(new FrameVerdict.Answered(List.of(),
                List.of(new Rejection(1, "missing_metrics", "PUBACK PAYLOAD_FORMAT_INVALID"))), first.join());
        assertEquals(new FrameVerdict.Answered(List.of(1L), List.of()), copy.join());
        assertEquals(new FrameVerdict.Refused("store_unavailable", 1000), refused.join());
        assertFalse(frames.acked(rejected));
    }

    @Test
    void frames_still_waiting_end_lost_when_the_link_goes() {
        CompletableFuture<FrameVerdict> verdict = frames.add(frame(1L));

        frames.lostAll("closed by the hub: 1001");

        assertEquals(new FrameVerdict.Lost("closed by the hub: 1001"), verdict.join());
    }
}
