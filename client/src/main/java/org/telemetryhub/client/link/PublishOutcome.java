package org.telemetryhub.client.link;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.util.concurrent.CompletionException;

/**
 * How an MQTT 5 QoS 1 publish ended: the broker's PUBACK, whether its reason code says stored or refused (the HiveMQ
 * client reports a refusing PUBACK as a failure), or, when no PUBACK came, the failure.
 */
public record PublishOutcome(Mqtt5PubAck pubAck, Throwable failure) {

    /** The outcome of a publish future's {@code result} or {@code failure}. */
    public static PublishOutcome of(Mqtt5PublishResult result, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause == null) {
            cause = result.getError().orElse(null);
        }
        if (cause instanceof Mqtt5PubAckException refused) {
            return new PublishOutcome(refused.getMqttMessage(), null);
        }
        if (cause != null) {
            return new PublishOutcome(null, cause);
        }
        return new PublishOutcome(((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck(), null);
    }

    /** The PUBACK's reason string, which the hub fills with its error code, else the reason code's name. */
    public String code() {
        return pubAck.getReasonString().map(Object::toString).orElse(pubAck.getReasonCode().name());
    }
}
