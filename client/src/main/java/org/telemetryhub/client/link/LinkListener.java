package org.telemetryhub.client.link;

import org.telemetryhub.protocol.HubMessage;

/**
 * Told once when a link stops working without the device asking (the hub closed it, the network failed), and of the
 * control messages the hub sends on it ({@code command}, {@code command_ack}, {@code state_delta}).
 */
@FunctionalInterface
public interface LinkListener {

    void down(String why);

    /** A control message from the hub; links without a control channel never call it. */
    default void heard(HubMessage message) {
    }
}
