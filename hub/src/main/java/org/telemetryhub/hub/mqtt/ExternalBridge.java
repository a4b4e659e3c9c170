package org.telemetryhub.hub.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientReconnector;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.hub.mqtt.TelemetryIngest.Outcome;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * The bridge to an external broker: the broker acks devices, and the hub acks the broker only after the commit, so
 * a hub crash means redelivery, never loss. It subscribes as {@code hub-<nodeId>} with a persistent session
 * ({@code $share/hub/devices/+/telemetry}, QoS 1, so hub nodes share the load) and acknowledges each message by
 * hand: after the commit, or at once for presence and for what an unknown device sent. A message that could not be
 * stored is never acknowledged: the bridge disconnects, and the broker redelivers it on the reconnect (with backoff).
 * Verdicts go to {@code devices/{id}/verdicts}; presence comes from {@code devices/+/presence}.
 *
 * <p>Commands and state the same way: command results and reported states come in on shared subscriptions to
 * {@code devices/+/command-results} and {@code devices/+/state/reported}, are answered one at a time (so a device's
 * reports apply in order) and acknowledged once stored; their answer ({@code command_ack}, {@code state_ack} or an
 * error) goes to the device's verdict topic, since the broker, not the hub, PUBACKs the device. Commands and deltas
 * go out through {@link BridgePresence} to devices that are online.
 */
public final class ExternalBridge implements MqttTransport {

    private static final Logger log = LoggerFactory.getLogger(ExternalBridge.class);
    /** How long the broker keeps the bridge's session, and queues its readings, while no hub is connected. */
    static final long SESSION_EXPIRY_S = 24 * 3_600;
    private static final long MAX_BACKOFF_MS = 10_000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final HubConfig.Mqtt settings;
    private final Function<String, Optional<DeviceRef>> devices;
    private final BridgePresence presence;
    private final TelemetryIngest ingest;
    private final ControlFrames control;
    private final int maxPayloadBytes;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "mqtt-bridge"));
    private final ExecutorService answers = Executors.newSingleThreadExecutor(
            r -> new Thread(r, "mqtt-bridge-control"));
    private final AtomicBoolean redelivering = new AtomicBoolean();
    private final Mqtt5AsyncClient client;
    private final Mqtt5Connect connect;
    private volatile boolean subscribed;
    private volatile boolean closed;

    public ExternalBridge(HubConfig.Mqtt settings, IngestPipeline pipeline, ControlFrames control,
                          CommandDelivery delivery, Function<String, Optional<DeviceRef>> devices,
                          DeviceConnections connections, int maxPayloadBytes) {
        this.settings = settings;
        this.devices = new RecentDevices(devices);
        this.presence = new BridgePresence(devices, connections, delivery,
                (topic, message) -> publish(topic, message).handle(ExternalBridge::handed));
        this.ingest = new TelemetryIngest(pipeline, (device, verdict) -> publish(Topics.verdicts(device), verdict),
                maxPayloadBytes);
        this.control = control;
        this.maxPayloadBytes = maxPayloadBytes;
        URI url = settings.brokerUrl().orElseThrow();
        boolean tls = url.getScheme().equals("mqtts");
        Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5()
                .identifier(clientId())
                .serverHost(url.getHost())
                .serverPort(url.getPort() > 0 ? url.getPort() : tls ? 8883 : 1883)
                .addConnectedListener(context -> connected())
                .addDisconnectedListener(this::disconnected);
        if (tls) {
            builder = builder.sslWithDefaultConfig();
        }
        client = builder.buildAsync();
        // The receive maximum stays at MQTT's 65,535: Mosquitto 2.0 sends more than a smaller one once messages are
        // queued for the bridge (a backlog after a restart), and this client disconnects on that as a protocol error.
        connect = Mqtt5Connect.builder()
                .cleanStart(false)
                .sessionExpiryInterval(SESSION_EXPIRY_S)
                .keepAlive(30)
                .simpleAuth()
                .username(settings.brokerUsername())
                .password(settings.brokerSecret().orElseThrow().getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .build();
        // registered before connecting, so that no message of the resumed session arrives without a handler
        client.publishes(MqttGlobalPublishFilter.ALL, this::received, worker, true);
    }

    public String clientId() {
        return "hub-" + settings.nodeId();
    }

    @Override
    public void start() {
        client.connect(connect).whenComplete((connAck, failure) -> { }); // failures reach disconnected()
        log.info("event=mqtt_started mode=external broker={} client={}", settings.brokerUrl().get(), clientId());
    }

    @Override
    public String state() {
        return client.getState().isConnected() && subscribed ? UP : DOWN;
    }

    @Override
    public void close() {
        closed = true;
        try {
            client.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("event=bridge_disconnect_failed error={}", e.toString());
        }
        worker.shutdown();
        answers.shutdown();
        presence.clear();
        log.info("event=mqtt_stopped mode=external");
    }

    private void connected() {
        redelivering.set(false);
        log.info("event=bridge_connected broker={}", settings.brokerUrl().get());
        client.subscribeWith()
                .addSubscription().topicFilter(Topics.SHARED_TELEMETRY).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter(Topics.ALL_PRESENCE).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter(Topics.SHARED_COMMAND_RESULTS).qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .addSubscription().topicFilter(Topics.SHARED_STATE_REPORTED).qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .send()
                .whenComplete(this::subscribedTo);
    }

    private void subscribedTo(Mqtt5SubAck subAck, Throwable failure) {
        if (failure != null) {
            log.error("event=bridge_subscribe_failed error={}", failure.toString());
            return;
        }
        subscribed = subAck.getReasonCodes().stream().noneMatch(Mqtt5SubAckReasonCode::isError);
        if (!subscribed) {
            log.error("event=bridge_subscribe_refused codes={} (the broker's ACL must let {} read {}, {}, {} and {})",
                    subAck.getReasonCodes(), settings.brokerUsername(), Topics.ALL_TELEMETRY, Topics.ALL_PRESENCE,
                    Topics.ALL_COMMAND_RESULTS, Topics.ALL_STATE_REPORTED);
        }
    }

    /** Reconnects with backoff, always with the same CONNECT: a default one would start a clean session. */
    private void disconnected(MqttClientDisconnectedContext context) {
        subscribed = false;
        if (closed) {
            return;
        }
        Mqtt5ClientReconnector reconnector = ((Mqtt5ClientDisconnectedContext) context).getReconnector();
        int attempts = reconnector.getAttempts();
        long delay = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempts, 10));
        log.warn("event=bridge_disconnected attempt={} retry_ms={} cause={}", attempts, delay,
                context.getCause().toString());
        reconnector.connect(connect).resubscribeIfSessionPresent(false).resubscribeIfSessionExpired(false)
                .reconnect(true).delay(delay, TimeUnit.MILLISECONDS);
    }

    /** Every message ends in an acknowledgement, or in a disconnect that makes the broker redeliver it. */
    private void received(Mqtt5Publish publish) {
        try {
            String topic = publish.getTopic().toString();
            Optional<String> reading = Topics.deviceOf(topic, Topics.TELEMETRY);
            Optional<String> answered = Topics.deviceOf(topic, Topics.COMMAND_RESULTS)
                    .or(() -> Topics.deviceOf(topic, Topics.STATE_REPORTED));
            if (reading.isPresent() || answered.isPresent()) {
                String deviceId = reading.or(() -> answered).get();
                Optional<DeviceRef> device = devices.apply(deviceId);
                if (device.isEmpty()) {
                    log.warn("event=bridge_unknown_device device={} (not provisioned or revoked; message dropped)",
                            deviceId);
                    publish.acknowledge();
                } else if (reading.isPresent()) {
                    ingest(device.get(), publish);
                } else {
                    answers.execute(() -> answer(device.get(), publish));
                }
                return;
            }
            Topics.deviceOf(topic, Topics.PRESENCE).ifPresent(device ->
                    presence.update(device, StandardCharsets.UTF_8.decode(publish.getPayload().orElse(EMPTY))
                            .toString().trim()));
            publish.acknowledge();
        } catch (Throwable e) {
            log.error("event=bridge_message_failed", e);
            redeliver();
        }
    }

    private void ingest(DeviceRef device, Mqtt5Publish publish) {
        ingest.ingest(device, publish.getPayload().orElse(EMPTY)).whenComplete((outcome, failure) -> {
            if (failure == null && (outcome instanceof Outcome.Stored || outcome instanceof Outcome.Rejected)) {
                publish.acknowledge();
            } else {
                redeliver();
            }
        });
    }

    /** Stores a command result or a reported state, tells the device on its verdict topic, then acknowledges. */
    private void answer(DeviceRef device, Mqtt5Publish publish) {
        try {
            ByteBuffer payload = publish.getPayload().orElse(EMPTY);
            HubMessage answer = payload.remaining() > maxPayloadBytes
                    ? TelemetryIngest.tooLarge(payload, maxPayloadBytes)
                    : control.answerPublished(device, StandardCharsets.UTF_8.decode(payload).toString());
            publish(Topics.verdicts(device.id()), answer);
            publish.acknowledge();
        } catch (Throwable e) {
            log.error("event=bridge_control_failed device={}", device.id(), e);
            redeliver();
        }
    }

    /** Drops the connection without acknowledging, so the broker keeps the unacknowledged messages for later. */
    private void redeliver() {
        if (!closed && redelivering.compareAndSet(false, true)) {
            log.warn("event=bridge_redelivery (a message was not stored; reconnecting so the broker resends it)");
            client.disconnect().whenComplete((done, failure) -> { });
        }
    }

    /** Whether the broker PUBACKed a publish and had a subscriber for it. */
    private static boolean handed(Mqtt5PublishResult result, Throwable failure) {
        return failure == null && result.getError().isEmpty()
                && result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
                && qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.SUCCESS;
    }

    /** Publishes to a device's topic, QoS 1; a failure is logged (the broker having no subscriber is none). */
    private CompletableFuture<Mqtt5PublishResult> publish(String topic, HubMessage message) {
        return client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(Wire.encode(message).getBytes(StandardCharsets.UTF_8))
                .send()
                .whenComplete((result, failure) -> {
                    Optional<Throwable> error = failure != null ? Optional.of(failure) : result.getError();
                    error.ifPresent(e -> log.warn("event=bridge_publish_failed topic={} error={}", topic,
                            e.toString()));
                });
    }
}
