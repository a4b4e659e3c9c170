package org.telemetryhub.hub.mqtt;

import java.util.OptionalInt;

/** The hub's MQTT side as the composition root and {@code /health} see it: an embedded broker, a bridge, or none. */
public interface MqttTransport extends AutoCloseable {

    String UP = "up";
    String DOWN = "down";
    String OFF = "off";

    /** For deployments and tests without MQTT. */
    MqttTransport NONE = new MqttTransport() {
        @Override
        public void start() {}

        @Override
        public String state() {
            return OFF;
        }

        @Override
        public void close() {}
    };

    /** Starts serving; throws when MQTT cannot be served safely, so the hub does not start. */
    void start() throws Exception;

    /** {@code up}, {@code down} (an outage: the hub is degraded) or {@code off}. */
    String state();

    /** The port devices connect to, when the hub runs the broker. */
    default OptionalInt port() {
        return OptionalInt.empty();
    }

    @Override
    void close();
}
