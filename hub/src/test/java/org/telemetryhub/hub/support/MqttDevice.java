package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.telemetryhub.client.link.PublishOutcome;
import org.telemetryhub.hub.mqtt.Topics;

/**
 * A device over MQTT as a test drives it, with the HiveMQ client: MQTT 5 or 3.1.1, client id = username = device id
 * unless told otherwise, the ticket as password. Verdicts land in a queue; a disconnect by the broker completes
 * {@link #disconnected}. A raw client for publishing anything to any topic (MQTT 3.1.1 too); a device that behaves
 * is the device SDK's {@code HubDevice}, which also decodes PUBACKs for this class.
 */
public final class MqttDevice implements AutoCloseable {

    /** A PUBACK as the device saw it: {@code SUCCESS} or the MQTT 5 reason code's name, and the reason string. */
    public record PubAck(String code, String reason) {
        public boolean stored() {
            return code.equals("SUCCESS");
        }
    }

    public final BlockingQueue<JsonNode> verdicts = new LinkedBlockingQueue<>();
    public final CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
    public final String deviceId;
    private final Mqtt5AsyncClient v5;
    private final Mqtt3AsyncClient v3;

    private MqttDevice(String deviceId, Mqtt5AsyncClient v5, Mqtt3AsyncClient v3) {
        this.deviceId = deviceId;
        this.v5 = v5;
        this.v3 = v3;
    }

    /** An MQTT 5 device connected with its ticket; throws {@link Mqtt5ConnAckException} when refused. */
    public static MqttDevice connect(int port, String deviceId, String ticket) {
        return connect(port, deviceId, deviceId, ticket);
    }

    public static MqttDevice connect(int port, String clientId, String username, String ticket) {
        return connect(port, clientId, username, ticket, false);
    }

    /**
     * A device on an external broker as the README describes it: a retained will {@code offline} on its presence
     * topic, then a retained {@code online} once connected.
     */
    public static MqttDevice connectWithPresence(int port, String deviceId, String password) {
        MqttDevice device = connectWithWill(port, deviceId, password);
        device.online();
        return device;
    }

    /**
     * A device on an external broker with its retained will {@code offline}, not yet online: it subscribes to what it
     * wants to hear, and then says {@link #online}.
     */
    public static MqttDevice connectWithWill(int port, String deviceId, String password) {
        return connect(port, deviceId, deviceId, password, true);
    }

    /** Publishes the retained {@code online} on the device's presence topic. */
    public void online() {
        join(v5.publishWith().topic(Topics.presence(deviceId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("online".getBytes(StandardCharsets.UTF_8)).send());
    }

    private static MqttDevice connect(int port, String clientId, String username, String ticket, boolean will) {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        var builder = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(port).addDisconnectedListener(context -> disconnected.complete(context.getCause()));
        Mqtt5AsyncClient client = builder.buildAsync();
        var connect = client.connectWith().cleanStart(true);
        if (username != null) {
            connect = connect.simpleAuth().username(username)
                    .password(ticket.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
        }
        if (will) {
            connect = connect.willPublish().topic(Topics.presence(username)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                    .payload("offline".getBytes(StandardCharsets.UTF_8)).applyWillPublish();
        }
        join(connect.send());
        MqttDevice device = new MqttDevice(username, client, null);
        disconnected.whenComplete((cause, e) -> device.disconnected.complete(cause));
        return device;
    }

    /** An MQTT 3.1.1 device connected with its ticket; throws {@link Mqtt3ConnAckException} when refused. */
    public static MqttDevice connect311(int port, String deviceId, String ticket) {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt3AsyncClient client = MqttClient.builder().useMqttVersion3().identifier(deviceId)
                .serverHost("127.0.0.1").serverPort(port)
                .addDisconnectedListener(context -> disconnected.complete(context.getCause())).buildAsync();
        join(client.connectWith().cleanSession(true).simpleAuth().username(deviceId)
                .password(ticket.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
        MqttDevice device = new MqttDevice(deviceId, null, client);
        disconnected.whenComplete((cause, e) -> device.disconnected.complete(cause));
        return device;
    }

    /** The CONNACK refusal of an MQTT 5 connect, by reason code name, or {@code SUCCESS} when it was accepted. */
    public static String refusal(int port, String clientId, String username, String ticket) {
        try {
            connect(port, clientId, username, ticket).close();
            return "SUCCESS";
        } catch (CompletionException e) {
            if (e.getCause() instanceof Mqtt5ConnAckException refused) {
                return refused.getMqttMessage().getReasonCode().name();
            }
            throw e;
        }
    }

    public void subscribeVerdicts() {
        subscribe(Topics.verdicts(deviceId));
    }

    /** Subscribes to a topic filter; returns the SUBACK's first reason code name. */
    public String subscribe(String filter) {
        if (v5 != null) {
            try {
                return join(v5.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> verdicts.add(json(p.getPayloadAsBytes()))).send())
                        .getReasonCodes().get(0).name();
            } catch (CompletionException e) {
                if (e.getCause() instanceof Mqtt5SubAckException refused) {
                    return refused.getMqttMessage().getReasonCodes().get(0).name();
                }
                throw e;
            }
        }
        return join(v3.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> verdicts.add(json(p.getPayloadAsBytes()))).send())
                .getReturnCodes().get(0).name();
    }

    /** Publishes a reading frame to the device's telemetry topic, QoS 1, and waits for the PUBACK. */
    public PubAck publish(String frame) {
        return publish(Topics.telemetry(deviceId), frame, false);
    }

    public PubAck publish(String topic, String payload, boolean retain) {
        return await(publishAsync(topic, payload, retain));
    }

    public CompletableFuture<PubAck> publishAsync(String topic, String payload, boolean retain) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (v3 != null) {
            return v3.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(bytes).send()
                    .thenApply(p -> new PubAck("SUCCESS", ""));
        }
        return v5.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(bytes).send()
                .handle((result, failure) -> pubAck(result, failure));
    }

    /** The next verdict matching, or fails after 10 s. */
    public JsonNode verdict(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (true) {
                JsonNode message = verdicts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null) {
                    throw new AssertionError("no matching verdict within 10 s");
                }
                if (wanted.test(message)) {
                    return message;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Drops the connection the way a crash or a lost network does, so the broker sends the will. */
    public void dropWithWill() {
        join(v5.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send());
    }

    public boolean connected() {
        return v5 != null ? v5.getState().isConnected() : v3.getState().isConnected();
    }

    @Override
    public void close() {
        try {
            if (v5 != null && v5.getState().isConnected()) {
                v5.disconnect().get(5, TimeUnit.SECONDS);
            } else if (v3 != null && v3.getState().isConnected()) {
                v3.disconnect().get(5, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static PubAck await(CompletableFuture<PubAck> pubAck) {
        try {
            return pubAck.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no PUBACK within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static PubAck pubAck(Mqtt5PublishResult result, Throwable failure) {
        PublishOutcome outcome = PublishOutcome.of(result, failure);
        if (outcome.pubAck() == null) {
            throw new CompletionException(outcome.failure());
        }
        return of(outcome.pubAck());
    }

    private static PubAck of(Mqtt5PubAck ack) {
        return new PubAck(ack.getReasonCode().name(), ack.getReasonString().map(Object::toString).orElse(""));
    }

    private static JsonNode json(byte[] payload) {
        try {
            return Api.JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer from the broker within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
