package org.telemetryhub.hub.mqtt;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.HubMessage;

/**
 * A device online on an external broker as a delivery link: the bridge publishes each command, QoS 1, to
 * {@code devices/{id}/commands}, and the desired state's delta to {@code devices/{id}/state/delta}. The hub cannot see
 * the device's own PUBACK there, so a command counts as delivered once the broker has PUBACKed every one of the
 * bridge's publishes and found a subscriber for each; one the broker had no subscriber for stays queued and goes out
 * again when the device next comes online.
 */
final class BridgeCommandLink implements CommandDelivery.Link {

    private static final Logger log = LoggerFactory.getLogger(BridgeCommandLink.class);

    /** Publishes a message to a topic, QoS 1; the future is the HiveMQ client's. */
    @FunctionalInterface
    interface Publisher {
        CompletableFuture<Mqtt5PublishResult> publish(String topic, HubMessage message);
    }

    private final DeviceRef device;
    private final Publisher publisher;

    BridgeCommandLink(DeviceRef device, Publisher publisher) {
        this.device = device;
        this.publisher = publisher;
    }

    @Override
    public DeviceRef device() {
        return device;
    }

    @Override
    public boolean offer(List<Command> commands, Runnable taken) {
        List<CompletableFuture<Boolean>> sent = commands.stream()
                .map(command -> publisher.publish(Topics.of(device.id(), Topics.COMMANDS), command.message())
                        .handle(BridgeCommandLink::handed))
                .toList();
        CommandPublishes.whenAllHanded(sent, taken, () -> log.warn("event=bridge_command_not_handed device={} (the "
                + "broker refused a command or had no subscriber for it; it stays queued until the device is online "
                + "again)", device.id()));
        return true;
    }

    @Override
    public boolean deliversOnOffer() {
        return false;
    }

    @Override
    public void stateDelta(HubMessage.StateDelta delta) {
        publisher.publish(Topics.of(device.id(), Topics.STATE_DELTA), delta);
    }

    /** Whether the broker took the publish for at least one subscriber. */
    private static boolean handed(Mqtt5PublishResult result, Throwable failure) {
        if (failure != null || result.getError().isPresent()) {
            return false;
        }
        return result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.SUCCESS;
    }
}
