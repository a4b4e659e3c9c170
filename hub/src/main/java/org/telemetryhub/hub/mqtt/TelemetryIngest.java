package org.telemetryhub.hub.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;

/**
 * One MQTT publish of readings through the ingest pipeline, for both the embedded broker and the external bridge.
 * Every verdict (rejections, and frame errors such as bad_message or rate_limited) goes to the device's verdict
 * topic as the same JSON as on WebSocket; the returned outcome tells the transport how to acknowledge. The future
 * never fails: a failed commit is the outcome {@link Outcome.NotStored}.
 */
public final class TelemetryIngest {

    private static final Logger log = LoggerFactory.getLogger(TelemetryIngest.class);

    /** Publishes a verdict to {@code devices/{id}/verdicts}; must not block. */
    @FunctionalInterface
    public interface VerdictSink {
        void publish(String deviceId, HubMessage verdict);
    }

    public sealed interface Outcome {
        /** Readings of the publish are stored; any others were rejected and their verdicts published. */
        record Stored() implements Outcome {}

        /**
         * Nothing of the publish is stored, for good: {@code code} is the first verdict's code; {@code close} asks
         * the transport to cut the device (it kept resending while rate limited).
         */
        record Rejected(String code, boolean close) implements Outcome {}

        /**
         * Nothing is known to be stored (the commit failed, the hub is stopping, or the store's disk is low): the
         * device should resend.
         */
        record NotStored() implements Outcome {}
    }

    private final IngestPipeline pipeline;
    private final VerdictSink verdicts;
    private final int maxPayloadBytes;

    public TelemetryIngest(IngestPipeline pipeline, VerdictSink verdicts, int maxPayloadBytes) {
        this.pipeline = pipeline;
        this.verdicts = verdicts;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public CompletableFuture<Outcome> ingest(DeviceRef device, ByteBuffer payload) {
        if (payload.remaining() > maxPayloadBytes) {
            return refuse(device, tooLarge(payload, maxPayloadBytes), false);
        }
        String frame;
        try {
            frame = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(payload.duplicate()).toString();
        } catch (CharacterCodingException e) {
            return refuse(device, HubMessage.Error.of(ErrorCode.BAD_MESSAGE,
                    "an MQTT payload must be UTF-8 JSON text, but was not UTF-8"), false);
        }
        IngestPipeline.FrameResult result = pipeline.accept(device, frame);
        if (result instanceof IngestPipeline.Refused refused) {
            if (refused.error().error().equals(ErrorCode.STORE_UNAVAILABLE.wire())) {
                // not a verdict on the readings: the store cannot take them now, and the device resends them
                verdicts.publish(device.id(), refused.error());
                return CompletableFuture.completedFuture(new Outcome.NotStored());
            }
            return refuse(device, refused.error(), refused.close());
        }
        IngestPipeline.Accepted accepted = (IngestPipeline.Accepted) result;
        accepted.rejectedNow().forEach(rejected -> verdicts.publish(device.id(), rejected));
        return accepted.committed().handle((stored, failure) -> {
            if (failure != null) {
                // the group commit logs its own failure once per batch; this is one of its publishes
                log.debug("event=mqtt_not_stored device={} error={}", device.id(), failure.toString());
                return new Outcome.NotStored();
            }
            stored.rejected().forEach(rejected -> verdicts.publish(device.id(), rejected));
            if (!stored.acked().isEmpty()) {
                return new Outcome.Stored();
            }
            List<HubMessage.Rejected> all = new ArrayList<>(accepted.rejectedNow());
            all.addAll(stored.rejected());
            return new Outcome.Rejected(all.get(0).error(), false);
        });
    }

    /** The verdict on a payload over {@code maxPayloadBytes}. */
    static HubMessage.Error tooLarge(ByteBuffer payload, int maxPayloadBytes) {
        return HubMessage.Error.of(ErrorCode.BODY_TOO_LARGE, "an MQTT payload must be at most " + maxPayloadBytes
                + " bytes, but was " + payload.remaining());
    }

    private CompletableFuture<Outcome> refuse(DeviceRef device, HubMessage.Error error, boolean close) {
        verdicts.publish(device.id(), error);
        return CompletableFuture.completedFuture(new Outcome.Rejected(error.error(), close));
    }
}
