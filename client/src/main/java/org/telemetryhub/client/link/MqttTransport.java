package org.telemetryhub.client.link;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.Ticket;

/**
 * Devices over MQTT 5: one session per ticket (client id = username = device id, the ticket as password, clean start,
 * no automatic reconnect), one reading per QoS 1 publish to {@code devices/{id}/telemetry}, so that each PUBACK is
 * that reading's verdict. (A batch's PUBACK cannot name which of its readings were rejected, and the hub's messages on
 * the verdict topic are not ordered with it.) Commands and the desired state's delta come on the device's
 * subscriptions, results and reported state go out as publishes. TLS (mqtts) when the hub's
 * base URL is https.
 */
public record MqttTransport(String host, int port, boolean tls) implements Transport {

    /** The port the hub's MQTT listener uses unless configured otherwise. */
    public static final int DEFAULT_PORT = 1883;

    /** The transport for the hub at {@code hub}: its host, port 1883, TLS when the hub's URL is https. */
    public static MqttTransport forHub(URI hub) {
        return new MqttTransport(hub.getHost(), DEFAULT_PORT, hub.getScheme().equalsIgnoreCase("https"));
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public CompletableFuture<Link> open(String deviceId, Ticket ticket, LinkListener listener) {
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5().serverHost(host).serverPort(port)
                .transportConfig().mqttConnectTimeout(10, TimeUnit.SECONDS).applyTransportConfig();
        if (tls) {
            builder = builder.sslWithDefaultConfig();
        }
        return OpenFailure.explained(new MqttLink(builder, deviceId, listener).connect(ticket.ticket()),
                cause -> refused(deviceId, cause));
    }

    private HubException refused(String deviceId, Throwable cause) {
        if (cause instanceof Mqtt5ConnAckException refused) {
            return new HubException("the hub refused the MQTT session of device " + deviceId + " with "
                    + refused.getMqttMessage().getReasonCode());
        }
        return new HubException("connecting device " + deviceId + " to mqtt://" + host + ":" + port
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
