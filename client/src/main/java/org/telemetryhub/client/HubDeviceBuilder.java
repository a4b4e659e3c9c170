package org.telemetryhub.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.telemetryhub.client.link.HttpTransport;
import org.telemetryhub.client.link.MqttTransport;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.client.link.WsTransport;

/**
 * How a {@link HubDevice} connects, reconnects, and answers the hub; made by {@link HubDevice#builder}.
 *
 * <p>Commands and desired state reach the device on every transport. Over WebSocket the hub sends them on the socket.
 * Over MQTT the device subscribes to {@code devices/{id}/commands} and {@code devices/{id}/state/delta} as it
 * connects and publishes its results and reported state (QoS 1). Over HTTP a device with a command or desired-state
 * handler long-polls {@code GET /api/devices/{id}/commands/pending} (10 s at most a poll) while it is open, and
 * reads {@code GET /api/devices/{id}/state} as each link opens and after every poll: its handler hears the delta
 * then and whenever the desired version changed (the hub ends a waiting poll when the desired state changes). Results and reports are requests
 * of their own ({@code POST .../commands/{commandId}/result}, {@code PUT .../state/reported}).
 */
public final class HubDeviceBuilder {

    final DeviceCredentials credentials;
    Function<HttpClient, Transport> transport;
    HttpClient http;
    Backoff backoff = new Backoff(500, 30_000);
    int maxBatch = 100;
    CommandHandler commands;
    DesiredStateHandler desiredState;

    HubDeviceBuilder(DeviceCredentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        overWebSocket();
    }

    /** One WebSocket per ticket on {@code /ws/device} (the default). */
    public HubDeviceBuilder overWebSocket() {
        transport = http -> new WsTransport(http, credentials.deviceSocket());
        return this;
    }

    /**
     * One HTTP request per frame to {@code /api/devices/{id}/readings}; commands and desired state by polling, when
     * the device has a handler for them.
     */
    public HubDeviceBuilder overHttp() {
        transport = http -> new HttpTransport(http, credentials.hub(), commands != null || desiredState != null);
        return this;
    }

    /**
     * MQTT 5 on the hub's host, port 1883 (TLS when the hub's URL is https): one reading per publish; commands and
     * desired state on the device's topics.
     */
    public HubDeviceBuilder overMqtt() {
        transport = http -> MqttTransport.forHub(credentials.hub());
        return this;
    }

    /** MQTT 5 on this broker address. */
    public HubDeviceBuilder overMqtt(String host, int port) {
        boolean tls = credentials.hub().getScheme().equalsIgnoreCase("https");
        transport = http -> new MqttTransport(host, port, tls);
        return this;
    }

    /** The HTTP client for tickets, WebSockets and HTTP ingest; one is made when none is given. */
    public HubDeviceBuilder httpClient(HttpClient client) {
        this.http = client;
        return this;
    }

    /** Waits between reconnects: from {@code base}, doubling after each failure up to {@code cap}, jittered. */
    public HubDeviceBuilder backoff(Duration base, Duration cap) {
        this.backoff = new Backoff(base.toMillis(), cap.toMillis());
        return this;
    }

    /** The most readings one frame carries (default 100; the hub's {@code ingest.maxBatch} must allow it). */
    public HubDeviceBuilder maxBatch(int readings) {
        if (readings < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, but was " + readings);
        }
        this.maxBatch = readings;
        return this;
    }

    /**
     * Answers the hub's commands, on every transport. Without a handler a command that reaches the device gets a
     * failed result (over HTTP none reaches it: a device without handlers does not poll).
     */
    public HubDeviceBuilder onCommand(CommandHandler handler) {
        this.commands = handler;
        return this;
    }

    /** Applies the desired state's changes and reports what was applied, on every transport. */
    public HubDeviceBuilder onDesiredState(DesiredStateHandler handler) {
        this.desiredState = handler;
        return this;
    }

    /**
     * Gets a ticket and opens the first link, waiting for it; throws a {@link HubException} that says why when
     * that fails (wrong secret, hub unreachable). Later losses are repaired on their own.
     */
    public HubDevice connect() {
        if (http == null) {
            http = HubCalls.httpClient();
        }
        HubDevice device = new HubDevice(this);
        device.connectFirst();
        return device;
    }
}
