package org.telemetryhub.hub.ingest;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.ops.HubMetrics;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Reading;

/**
 * The one path from a device's frame to the store, shared by every transport: parse, refuse the frame whole while the
 * store's disk is low (the device resends later), admit against the device's rate, validate each reading, and hand
 * the valid ones to the group commit. Transports turn the answer into frames, PUBACKs or HTTP bodies.
 */
public final class IngestPipeline {

    /** The frame is refused whole; nothing of it is stored. */
    public record Refused(HubMessage.Error error, boolean close) implements FrameResult {}

    /**
     * Readings went to the store: {@code rejectedNow} failed validation; {@code committed} completes after the
     * commit with what was stored (or was there already) and what conflicts, and fails if the commit failed.
     */
    public record Accepted(List<HubMessage.Rejected> rejectedNow, CompletableFuture<Verdicts> committed)
            implements FrameResult {}

    public sealed interface FrameResult {}

    /** After the commit: seqs to ack, in frame order, and readings refused by the store. */
    public record Verdicts(List<Long> acked, List<HubMessage.Rejected> rejected) {
        /** The one seq a WebSocket ack names for the frame, or empty when nothing was stored. */
        public java.util.OptionalLong ackSeq() {
            return acked.stream().mapToLong(Long::longValue).max();
        }
    }

    /** How long a device refused for a low disk is asked to wait before it resends. */
    static final long DISK_LOW_RETRY_MS = 10_000;

    private final FrameParser parser;
    private final ReadingValidator validator;
    private final RateGate rates;
    private final GroupCommitter committer;
    private final BooleanSupplier diskLow;
    private final HubMetrics metrics;
    private final Clock clock;

    public IngestPipeline(FrameParser parser, ReadingValidator validator, RateGate rates, GroupCommitter committer,
                          BooleanSupplier diskLow, HubMetrics metrics, Clock clock) {
        this.parser = parser;
        this.validator = validator;
        this.rates = rates;
        this.committer = committer;
        this.diskLow = diskLow;
        this.metrics = metrics;
        this.clock = clock;
    }

    public FrameResult accept(DeviceRef device, String frame) {
        long arrived = System.nanoTime();
        FrameParser.Parsed parsed = parser.parse(frame);
        if (parsed instanceof FrameParser.Parsed.Malformed m) {
            return refuse(ErrorCode.BAD_MESSAGE, m.message());
        }
        if (parsed instanceof FrameParser.Parsed.BatchTooLarge b) {
            return refuse(ErrorCode.BATCH_TOO_LARGE, b.message());
        }
        List<FrameParser.Candidate> candidates = ((FrameParser.Parsed.Readings) parsed).candidates();
        List<Long> seqs = candidates.stream().map(FrameParser.Candidate::seq).toList();
        if (diskLow.getAsBoolean()) {
            metrics.refusedFrame(ErrorCode.STORE_UNAVAILABLE.wire());
            return new Refused(new HubMessage.Error(ErrorCode.STORE_UNAVAILABLE.wire(), "the store's disk is below "
                    + "its free-space floor (store.minFreeBytes), so this frame (" + readings(seqs.size())
                    + ") is not stored; resend it after " + DISK_LOW_RETRY_MS + " ms", DISK_LOW_RETRY_MS, seqs),
                    false);
        }
        if (rates.admit(device.key(), seqs) instanceof RateGate.Admission.Limited limited) {
            metrics.refusedFrame(ErrorCode.RATE_LIMITED.wire());
            String message = "device " + device.id() + " must stay under its reading rate, so this frame ("
                    + readings(seqs.size()) + ") is not stored; resend it after " + limited.retryAfterMs() + " ms";
            return new Refused(new HubMessage.Error(ErrorCode.RATE_LIMITED.wire(), message,
                    limited.retryAfterMs(), seqs), limited.close());
        }
        long now = clock.millis();
        List<Reading> valid = new ArrayList<>(candidates.size());
        List<HubMessage.Rejected> rejectedNow = new ArrayList<>();
        List<ReadingStore.Rejection> rejections = new ArrayList<>();
        for (FrameParser.Candidate candidate : candidates) {
            ReadingValidator.Result result = validator.check(device, candidate);
            if (result instanceof ReadingValidator.Result.Valid v) {
                valid.add(v.reading());
            } else if (result instanceof ReadingValidator.Result.Invalid invalid) {
                rejectedNow.add(new HubMessage.Rejected(candidate.seq(), invalid.code().wire(), invalid.message()));
                rejections.add(new ReadingStore.Rejection(candidate.seq(), invalid.code().wire(),
                        invalid.message(), now));
                metrics.rejected(invalid.code().wire());
            }
        }
        CompletableFuture<Verdicts> committed = committer
                .submit(new ReadingStore.Write(device, valid, rejections))
                .thenApply(outcomes -> verdicts(device, valid, outcomes, arrived));
        return new Accepted(rejectedNow, committed);
    }

    private Verdicts verdicts(DeviceRef device, List<Reading> readings, List<Outcome> outcomes, long arrived) {
        List<Long> acked = new ArrayList<>(readings.size());
        List<HubMessage.Rejected> rejected = new ArrayList<>();
        int stored = 0;
        int duplicates = 0;
        for (int i = 0; i < readings.size(); i++) {
            long seq = readings.get(i).seq();
            Outcome outcome = outcomes.get(i);
            if (outcome instanceof Outcome.Stored) {
                acked.add(seq);
                stored++;
            } else if (outcome instanceof Outcome.Duplicate) {
                acked.add(seq);
                duplicates++;
            } else if (outcome instanceof Outcome.Conflict) {
                rejected.add(new HubMessage.Rejected(seq, ErrorCode.SEQ_CONFLICT.wire(),
                        ReadingStore.conflictMessage(device, seq)));
                metrics.rejected(ErrorCode.SEQ_CONFLICT.wire());
            }
        }
        metrics.accepted(stored);
        metrics.duplicates(duplicates);
        metrics.ackLatency(System.nanoTime() - arrived);
        return new Verdicts(acked, rejected);
    }

    private static String readings(int count) {
        return count == 1 ? "1 reading" : count + " readings";
    }

    private Refused refuse(ErrorCode code, String message) {
        metrics.refusedFrame(code.wire());
        return new Refused(HubMessage.Error.of(code, message), false);
    }

    /** Forgets a revoked device's rate state. */
    public void forget(long deviceKey) {
        rates.forget(deviceKey);
    }
}
