package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.services.Services;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.mqtt.TelemetryIngest.Outcome;
import org.telemetryhub.protocol.ErrorCode;

/**
 * PUBACK = stored. A reading published to the device's own {@code devices/{id}/telemetry} goes into the ingest
 * pipeline while its PUBACK is held; the PUBACK goes out after the commit, or carries the rejection (MQTT 5: a reason
 * code and the verdict code as reason string; MQTT 3.1.1: a plain PUBACK, the verdict being on the verdict topic, or
 * the client would resend the bad reading forever). The reading is consumed, never fanned out by the broker.
 *
 * <p>Fail closed: the broker turns an exception thrown here, or a timeout without a reason code, into a success
 * PUBACK for a dropped message. So everything is caught, and every path that does not end in "stored" sets an error
 * reason code (for 3.1.1 clients the broker then closes the connection, and the device resends).
 */
final class TelemetryInterceptor implements PublishInboundInterceptor {

    private static final Logger log = LoggerFactory.getLogger(TelemetryInterceptor.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    private static final String NOT_STORED = ErrorCode.STORE_UNAVAILABLE.wire();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final TelemetryIngest ingest;

    TelemetryInterceptor(TelemetryIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        Async<PublishInboundOutput> async = null;
        try {
            PublishPacket publish = input.getPublishPacket();
            String clientId = input.getClientInformation().getClientId();
            if (publish.getRetain() || !publish.getTopic().equals(Topics.telemetry(clientId))) {
                return; // not a reading: the authorizer decides, and refuses what is not the device's own
            }
            Optional<DeviceRef> device = ConnectionDevice.of(input.getConnectionInformation());
            if (device.isEmpty()) {
                log.error("event=mqtt_publish_without_device client={}", clientId);
                output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, ErrorCode.UNAUTHORIZED.wire());
                return;
            }
            boolean v5 = input.getConnectionInformation().getMqttVersion() == MqttVersion.V_5;
            Async<PublishInboundOutput> held = output.async(COMMIT_TIMEOUT, TimeoutFallback.FAILURE,
                    AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, NOT_STORED);
            async = held;
            ingest.ingest(device.get(), publish.getPayload().orElse(EMPTY))
                    .whenComplete((outcome, failure) -> finish(held, clientId, v5, outcome, failure));
        } catch (Throwable e) {
            log.error("event=mqtt_publish_failed", e);
            notStored(async == null ? output : async.getOutput());
            if (async != null) {
                async.resume();
            }
        }
    }

    private static void finish(Async<PublishInboundOutput> held, String clientId, boolean v5, Outcome outcome,
                               Throwable failure) {
        boolean cut = false;
        try {
            PublishInboundOutput output = held.getOutput();
            if (failure != null) {
                log.error("event=mqtt_publish_failed device={}", clientId, failure);
                notStored(output);
            } else if (outcome instanceof Outcome.Stored) {
                output.preventPublishDelivery();
            } else if (outcome instanceof Outcome.Rejected rejected) {
                if (v5) {
                    output.preventPublishDelivery(reasonCode(rejected.code()), rejected.code());
                } else {
                    output.preventPublishDelivery();
                }
                cut = rejected.close();
            } else {
                notStored(output);
            }
        } catch (Throwable e) {
            log.error("event=mqtt_puback_failed device={}", clientId, e);
            notStored(held.getOutput());
        } finally {
            held.resume();
        }
        if (cut) {
            Services.clientService().disconnectClient(clientId, false, DisconnectReasonCode.QUOTA_EXCEEDED,
                    "resent early three times while rate limited");
        }
    }

    private static void notStored(PublishInboundOutput output) {
        try {
            output.preventPublishDelivery(AckReasonCode.UNSPECIFIED_ERROR, NOT_STORED);
        } catch (Throwable e) {
            // the held PUBACK has timed out already, and carries IMPLEMENTATION_SPECIFIC_ERROR
            log.warn("event=mqtt_puback_not_set error={}", e.toString());
        }
    }

    /** The MQTT 5 PUBACK reason code for a verdict code. */
    static AckReasonCode reasonCode(String verdict) {
        if (verdict.equals(ErrorCode.RATE_LIMITED.wire()) || verdict.equals(ErrorCode.BATCH_TOO_LARGE.wire())
                || verdict.equals(ErrorCode.BODY_TOO_LARGE.wire())) {
            return AckReasonCode.QUOTA_EXCEEDED;
        }
        if (verdict.equals(ErrorCode.SEQ_CONFLICT.wire())) {
            return AckReasonCode.UNSPECIFIED_ERROR;
        }
        return AckReasonCode.PAYLOAD_FORMAT_INVALID;
    }
}
