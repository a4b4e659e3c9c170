package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.publish.PublishToClientResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One MQTT client as a delivery link: each command is published to it alone, QoS 1, on {@code devices/{id}/commands},
 * and counts as delivered once the broker has handed every one of them to the client; the desired state's delta goes
 * to {@code devices/{id}/state/delta} if the client subscribed to it.
 */
final class BrokerCommandLink implements CommandDelivery.Link {

    private static final Logger log = LoggerFactory.getLogger(BrokerCommandLink.class);

    private final DeviceRef device;
    private final String clientId;

    BrokerCommandLink(DeviceRef device, String clientId) {
        this.device = device;
        this.clientId = clientId;
    }

    @Override
    public DeviceRef device() {
        return device;
    }

    @Override
    public boolean offer(List<Command> commands, Runnable taken) {
        List<CompletableFuture<Boolean>> handed = commands.stream()
                .map(command -> publish(Topics.COMMANDS, command.message())
                        .handle((result, failure) -> result == PublishToClientResult.SUCCESSFUL))
                .toList();
        CommandPublishes.whenAllHanded(handed, taken,
                () -> log.debug("event=mqtt_command_not_sent device={}", device.id()));
        return true;
    }

    @Override
    public boolean deliversOnOffer() {
        return false;
    }

    @Override
    public void stateDelta(HubMessage.StateDelta delta) {
        publish(Topics.STATE_DELTA, delta);
    }

    private CompletableFuture<PublishToClientResult> publish(String leaf, HubMessage message) {
        byte[] json = Wire.encode(message).getBytes(StandardCharsets.UTF_8);
        return Services.publishService().publishToClient(Builders.publish()
                .topic(Topics.of(device.id(), leaf))
                .qos(Qos.AT_LEAST_ONCE)
                .payload(ByteBuffer.wrap(json))
                .build(), clientId);
    }
}
