package org.telemetryhub.simulator.transport;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.HubApi;

/**
 * Devices over MQTT 5: one session per ticket (client id = username = device id, the ticket as password, clean start,
 * no automatic reconnect), one reading per QoS 1 publish to {@code devices/{id}/telemetry}, so that each PUBACK is
 * that reading's verdict. (A batch's PUBACK cannot name which of its readings were rejected, and the hub's messages on
 * the verdict topic are not ordered with it.) TLS (mqtts) when the hub's base URL is https.
 */
public final class MqttTransport implements Transport {

    static final int DEFAULT_PORT = 1883;

    private final String host;
    private final int port;
    private final boolean tls;

    public MqttTransport(String host, int port, boolean tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /** The transport for {@code --mqtt HOST:PORT}, or, when that is null or empty, the hub's host and port 1883. */
    public static MqttTransport of(String address, URI hub) {
        boolean tls = hub.getScheme().equalsIgnoreCase("https");
        if (address == null || address.isBlank()) {
            return new MqttTransport(hub.getHost(), DEFAULT_PORT, tls);
        }
        int colon = address.lastIndexOf(':');
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (colon > 0 && port > 0 && port < 65536) {
                return new MqttTransport(address.substring(0, colon), port, tls);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SimulatorException("--mqtt must be HOST:PORT such as 127.0.0.1:1883, but was '" + address + "'");
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public CompletableFuture<Link> open(String deviceId, HubApi.Ticket ticket, LinkListener listener) {
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5().serverHost(host).serverPort(port)
                .transportConfig().mqttConnectTimeout(10, TimeUnit.SECONDS).applyTransportConfig();
        if (tls) {
            builder = builder.sslWithDefaultConfig();
        }
        return OpenFailure.explained(new MqttLink(builder, deviceId, listener).connect(ticket.ticket()),
                cause -> refused(deviceId, cause));
    }

    private SimulatorException refused(String deviceId, Throwable cause) {
        if (cause instanceof Mqtt5ConnAckException refused) {
            return new SimulatorException("the hub refused the MQTT session of device " + deviceId + " with "
                    + refused.getMqttMessage().getReasonCode());
        }
        return new SimulatorException("connecting device " + deviceId + " to mqtt://" + host + ":" + port
                + " failed: " + OpenFailure.describe(cause));
    }

    @Override
    public int maxBatch() {
        return 1;
    }

    @Override
    public void close() {
        // every link closes its own client
    }
}
