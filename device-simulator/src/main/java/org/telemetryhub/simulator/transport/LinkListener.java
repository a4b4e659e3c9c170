package org.telemetryhub.simulator.transport;

/** Told once when a link stops working without the device asking (the hub closed it, the network failed). */
@FunctionalInterface
public interface LinkListener {

    void down(String why);
}
