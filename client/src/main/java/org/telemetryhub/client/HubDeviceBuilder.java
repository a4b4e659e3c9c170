package org.telemetryhub.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.telemetryhub.client.link.HttpTransport;
import org.telemetryhub.client.link.MqttTransport;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.client.link.WsTransport;

/** How a {@link HubDevice} connects, reconnects, and answers the hub; made by {@link HubDevice#builder}. */
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

    /** One WebSocket per ticket on {@code /ws/device}: readings, commands and desired state (the default). */
    public HubDeviceBuilder overWebSocket() {
        transport = http -> new WsTransport(http, credentials.deviceSocket());
        return this;
    }

    /** One HTTP request per frame to {@code /api/devices/{id}/readings}: readings only. */
    public HubDeviceBuilder overHttp() {
        transport = http -> new HttpTransport(http, credentials.hub());
        return this;
    }

    /** MQTT 5 on the hub's host, port 1883 (TLS when the hub's URL is https): readings only, one per publish. */
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

    /** Answers the hub's commands (over WebSocket; MQTT and HTTP links carry readings only). */
    public HubDeviceBuilder onCommand(CommandHandler handler) {
        this.commands = handler;
        return this;
    }

    /** Applies the desired state's changes and reports what was applied (over WebSocket). */
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
