package org.telemetryhub.hub.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.HubMessage;

/**
 * A device's MQTT connection as a delivery link, on the embedded broker or through the bridge to an external one:
 * each command is published, QoS 1, on {@code devices/{id}/commands} and counts as delivered once the broker has
 * handed every one of them on; the desired state's delta goes to {@code devices/{id}/state/delta}. Commands the broker
 * did not hand on stay queued for the device's next connection.
 */
final class MqttCommandLink implements CommandDelivery.Link {

    /** Publishes on one of the device's topics, QoS 1; completes true once the broker has handed the message on. */
    @FunctionalInterface
    interface Publisher {
        CompletableFuture<Boolean> publish(String topic, HubMessage message);
    }

    private final DeviceRef device;
    private final Publisher publisher;
    /** Runs when an offer's commands were not all handed on (each broker says so in its own words). */
    private final Runnable notHanded;

    MqttCommandLink(DeviceRef device, Publisher publisher, Runnable notHanded) {
        this.device = device;
        this.publisher = publisher;
        this.notHanded = notHanded;
    }

    @Override
    public DeviceRef device() {
        return device;
    }

    @Override
    public boolean offer(List<Command> commands, Runnable taken) {
        List<CompletableFuture<Boolean>> handed = commands.stream()
                .map(command -> publisher.publish(Topics.of(device.id(), Topics.COMMANDS), command.message()))
                .toList();
        CompletableFuture.allOf(handed.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
            if (failure == null && handed.stream().allMatch(CompletableFuture::join)) {
                taken.run();
            } else {
                notHanded.run();
            }
        });
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
}
