package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.interceptor.suback.SubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundOutput;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.publish.PublishToClientResult;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * Commands and state on the embedded broker. A device that subscribes to {@code devices/{id}/commands} (or
 * {@code state/delta}) becomes its newest connection for delivery ({@link MqttCommandLink}); it publishes results
 * to {@code command-results} and its reported state to {@code state/reported}, as the same JSON as on WebSocket, and
 * the PUBACK is held until the answer is stored. A refused answer gets, on MQTT 5, an error PUBACK whose reason string
 * is the code ({@code duplicate_result}, {@code unknown_command}, {@code command_finished}, {@code bad_message}); the
 * client stays connected. As for readings, everything is caught and every path sets a reason code.
 */
final class BrokerControl implements PublishInboundInterceptor, SubackOutboundInterceptor {

    private static final Logger log = LoggerFactory.getLogger(BrokerControl.class);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);
    private static final String NOT_STORED = ErrorCode.STORE_UNAVAILABLE.wire();

    private final ControlFrames control;
    private final CommandDelivery delivery;
    private final Map<String, MqttCommandLink> links = new ConcurrentHashMap<>();

    BrokerControl(ControlFrames control, CommandDelivery delivery) {
        this.control = control;
        this.delivery = delivery;
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        Async<PublishInboundOutput> async = null;
        try {
            PublishPacket publish = input.getPublishPacket();
            String clientId = input.getClientInformation().getClientId();
            if (publish.getRetain() || !(publish.getTopic().equals(Topics.of(clientId, Topics.COMMAND_RESULTS))
                    || publish.getTopic().equals(Topics.of(clientId, Topics.STATE_REPORTED)))) {
                return;
            }
            Optional<DeviceRef> device = ConnectionDevice.of(input.getConnectionInformation());
            if (device.isEmpty()) {
                output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, ErrorCode.UNAUTHORIZED.wire());
                return;
            }
            boolean v5 = input.getConnectionInformation().getMqttVersion() == MqttVersion.V_5;
            String frame = StandardCharsets.UTF_8.decode(publish.getPayload().orElse(ByteBuffer.allocate(0)))
                    .toString();
            Async<PublishInboundOutput> held = output.async(STORE_TIMEOUT, TimeoutFallback.FAILURE,
                    AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, NOT_STORED);
            async = held;
            Services.extensionExecutorService().execute(() -> answer(held, device.get(), frame, v5));
        } catch (Throwable e) {
            log.error("event=mqtt_control_failed", e);
            refuse(async == null ? output : async.getOutput(), AckReasonCode.UNSPECIFIED_ERROR, NOT_STORED);
            if (async != null) {
                async.resume();
            }
        }
    }

    private void answer(Async<PublishInboundOutput> held, DeviceRef device, String frame, boolean v5) {
        try {
            HubMessage answer = control.answerPublished(device, frame);
            String error = answer instanceof HubMessage.CommandAck ack ? ack.error()
                    : answer instanceof HubMessage.Error refused ? refused.error() : null;
            if (error == null) {
                held.getOutput().preventPublishDelivery();
            } else if (v5) {
                refuse(held.getOutput(), error.equals(ErrorCode.BAD_MESSAGE.wire())
                        ? AckReasonCode.PAYLOAD_FORMAT_INVALID : AckReasonCode.UNSPECIFIED_ERROR, error);
            } else {
                held.getOutput().preventPublishDelivery(); // 3.1.1 has no reason codes: a refusal would be resent
            }
        } catch (Throwable e) {
            log.error("event=mqtt_control_failed device={}", device.id(), e);
            refuse(held.getOutput(), AckReasonCode.UNSPECIFIED_ERROR, NOT_STORED);
        } finally {
            held.resume();
        }
    }

    /**
     * After a SUBACK the subscription is in place: a device subscribed to its commands or its state delta becomes its
     * newest connection for delivery, and hears its delta again.
     */
    @Override
    public void onOutboundSuback(SubackOutboundInput input, SubackOutboundOutput output) {
        String clientId = input.getClientInformation().getClientId();
        Optional<DeviceRef> device = ConnectionDevice.of(input.getConnectionInformation());
        if (device.isEmpty()) {
            return;
        }
        Services.subscriptionStore().getSubscriptions(clientId).whenComplete((subscriptions, failure) -> {
            if (failure != null) {
                log.warn("event=mqtt_subscriptions_unread device={} error={}", clientId, failure.toString());
                return;
            }
            Set<String> filters = subscriptions.stream().map(TopicSubscription::getTopicFilter)
                    .collect(Collectors.toSet());
            if (!filters.contains(Topics.of(clientId, Topics.COMMANDS))
                    && !filters.contains(Topics.of(clientId, Topics.STATE_DELTA))) {
                return;
            }
            MqttCommandLink fresh = new MqttCommandLink(device.get(),
                    (topic, message) -> publishToClient(clientId, topic, message),
                    () -> log.debug("event=mqtt_command_not_sent device={}", clientId));
            MqttCommandLink link = links.computeIfAbsent(clientId, id -> fresh);
            if (link == fresh) {
                delivery.connected(link);
            } else {
                delivery.desiredChanged(device.get().key());
            }
        });
    }

    /** The client's connection ended: it takes no more commands. */
    void disconnected(String clientId) {
        MqttCommandLink link = links.remove(clientId);
        if (link != null) {
            delivery.disconnected(link);
        }
    }

    /** Publishes to this client alone, QoS 1; true once the broker has handed the message to it. */
    private static CompletableFuture<Boolean> publishToClient(String clientId, String topic, HubMessage message) {
        byte[] json = Wire.encode(message).getBytes(StandardCharsets.UTF_8);
        return Services.publishService().publishToClient(Builders.publish()
                .topic(topic)
                .qos(Qos.AT_LEAST_ONCE)
                .payload(ByteBuffer.wrap(json))
                .build(), clientId)
                .handle((result, failure) -> result == PublishToClientResult.SUCCESSFUL);
    }

    private static void refuse(PublishInboundOutput output, AckReasonCode code, String reason) {
        try {
            output.preventPublishDelivery(code, reason);
        } catch (Throwable e) {
            log.warn("event=mqtt_puback_not_set error={}", e.toString());
        }
    }
}
