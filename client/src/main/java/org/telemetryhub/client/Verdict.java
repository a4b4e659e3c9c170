package org.telemetryhub.client;

import java.util.Arrays;
import java.util.Optional;
import org.telemetryhub.protocol.ErrorCode;

/**
 * What the hub decided about one reading: {@link Accepted} once it is durably stored (a resend of a reading the hub
 * already holds is accepted again), or {@link Rejected} when it never will be. Refusals for now
 * ({@code rate_limited}, {@code store_unavailable}) and lost links are no verdicts: the device resends until one comes.
 */
public sealed interface Verdict {

    /** The seq of the reading this verdict is about. */
    long seq();

    /** True when the reading is stored. */
    default boolean accepted() {
        return this instanceof Accepted;
    }

    /** The reading is durably stored. */
    record Accepted(long seq) implements Verdict {}

    /**
     * The reading is not stored and a resend will not change that: {@code error} is the hub's code as on the wire
     * (such as {@code metric_out_of_range}) and {@code message} its sentence naming the field, rule and value.
     */
    record Rejected(long seq, String error, String message) implements Verdict {

        /** The error as a contract code; empty for a code this SDK does not know (a newer hub's). */
        public Optional<ErrorCode> code() {
            return Arrays.stream(ErrorCode.values()).filter(c -> c.wire().equals(error)).findFirst();
        }
    }
}
