package org.telemetryhub.client.link;

import java.util.List;

/** What became of one frame a device sent: the hub's answer, or none because the link went first. */
public sealed interface FrameVerdict {

    /** The hub judged the frame: {@code acked} are stored, {@code rejected} never will be. */
    record Answered(List<Long> acked, List<Rejection> rejected) implements FrameVerdict {
        public Answered {
            acked = List.copyOf(acked);
            rejected = List.copyOf(rejected);
        }
    }

    /** The hub refused the frame whole ({@code rate_limited}, {@code store_unavailable}); resend after the wait. */
    record Refused(String error, long retryAfterMs) implements FrameVerdict {}

    /** No answer will come (the link closed, was cut, or the request failed): resend on the next link. */
    record Lost(String why) implements FrameVerdict {}

    /** One reading the hub will not store: its seq, the verdict code and the hub's sentence. */
    record Rejection(long seq, String error, String message) {}
}
