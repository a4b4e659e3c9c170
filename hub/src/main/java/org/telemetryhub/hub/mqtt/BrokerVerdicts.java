package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/** Verdicts on the embedded broker: published by the broker itself to {@code devices/{id}/verdicts}, QoS 1. */
final class BrokerVerdicts implements TelemetryIngest.VerdictSink {

    private static final Logger log = LoggerFactory.getLogger(BrokerVerdicts.class);

    @Override
    public void publish(String deviceId, HubMessage verdict) {
        byte[] json = Wire.encode(verdict).getBytes(StandardCharsets.UTF_8);
        Services.publishService().publish(Builders.publish()
                        .topic(Topics.verdicts(deviceId))
                        .qos(Qos.AT_LEAST_ONCE)
                        .payload(ByteBuffer.wrap(json))
                        .build())
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        log.warn("event=mqtt_verdict_failed device={} error={}", deviceId, failure.toString());
                    }
                });
    }
}
