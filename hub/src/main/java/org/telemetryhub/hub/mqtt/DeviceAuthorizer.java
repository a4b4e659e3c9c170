package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic rules on the embedded broker ({@link Topics}): a device (client id = its id, checked at CONNECT) publishes
 * and subscribes only under {@code devices/{id}/}, with no retained publish and no shared subscription. A refused
 * publish gets PUBACK 0x87 and a DISCONNECT (MQTT 5) or a closed connection (3.1.1); a refused subscription a SUBACK
 * 0x87. A will message is checked like a publish.
 */
final class DeviceAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer {

    private static final Logger log = LoggerFactory.getLogger(DeviceAuthorizer.class);

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        String device = input.getClientInformation().getClientId();
        String topic = input.getPublishPacket().getTopic();
        if (Topics.mayPublish(device, topic, input.getPublishPacket().getRetain(), false)) {
            output.authorizeSuccessfully();
            return;
        }
        log.warn("event=mqtt_publish_refused device={} retain={}", device, input.getPublishPacket().getRetain());
        output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "a device may publish only under devices/" + device
                + "/, and nothing retained");
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        String device = input.getClientInformation().getClientId();
        if (Topics.maySubscribe(device, input.getSubscription().getTopicFilter())) {
            output.authorizeSuccessfully();
            return;
        }
        log.warn("event=mqtt_subscribe_refused device={}", device);
        output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "a device may subscribe only under devices/"
                + device + "/, and not as a shared subscription");
    }
}
