package org.telemetryhub.client.link;

import org.telemetryhub.protocol.HubMessage;

/**
 * Told once when a link stops working without the device asking (the hub closed it, the network failed), and of the
 * control messages the hub sends on it ({@code command}, {@code command_ack}, {@code state_delta},
 * {@code state_ack}), whatever the transport: an MQTT link hears them on the device's topics and its PUBACKs, an HTTP
 * link polls for them and reads them from the answers to its requests.
 */
@FunctionalInterface
public interface LinkListener {

    void down(String why);

    /** A control message from the hub. */
    default void heard(HubMessage message) {
    }
}
