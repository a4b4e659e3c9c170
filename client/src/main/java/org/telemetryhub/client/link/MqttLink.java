package org.telemetryhub.client.link;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.telemetryhub.client.HubException;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One MQTT 5 session. Each frame is one publish holding one reading, settled by its own PUBACK: success means
 * stored, {@code store_unavailable} and {@code rate_limited} refuse it for now (resend after a wait), and any other
 * reason string is the verdict code that rejects it for good.
 *
 * <p>Once connected it subscribes to {@code devices/{id}/commands} and {@code devices/{id}/state/delta} (QoS 1), and
 * is up after the SUBACK; the hub's commands and deltas go to the listener. A command's result is published to
 * {@code command-results} and the reported state to {@code state/reported} (QoS 1), as the same JSON as on a
 * WebSocket; a result's PUBACK becomes its {@code command_ack}, with the reason string as the error when it refuses
 * the result. A report's PUBACK names no version, so no {@code state_ack} comes.
 */
final class MqttLink implements Link {

    /** A PUBACK refusal names no wait; this is how long the device waits before it resends. */
    static final long RETRY_AFTER_MS = 1_000;
    private static final String TELEMETRY = "telemetry";
    private static final String COMMANDS = "commands";
    private static final String STATE_DELTA = "state/delta";
    private static final String COMMAND_RESULTS = "command-results";
    private static final String STATE_REPORTED = "state/reported";

    private final Mqtt5AsyncClient client;
    private final String deviceId;
    private final LinkListener listener;
    private final InFlightFrames inFlight = new InFlightFrames();
    /** Where the session is: connecting, up, or ended (for good). */
    private enum State { CONNECTING, UP, ENDED }

    private State state = State.CONNECTING;

    MqttLink(Mqtt5ClientBuilder builder, String deviceId, LinkListener listener) {
        this.client = builder.identifier(deviceId)
                .addDisconnectedListener(context -> end("disconnected: " + describe(context.getCause())))
                .buildAsync();
        this.deviceId = deviceId;
        this.listener = listener;
    }

    /** Connects with the ticket; the link is up once the hub accepts the session and its subscriptions. */
    CompletableFuture<Link> connect(String ticket) {
        return client.connectWith().cleanStart(true)
                .simpleAuth().username(deviceId).password(ticket.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .send()
                .thenCompose(connAck -> subscribe())
                .thenApply(subscribed -> {
                    synchronized (this) {
                        if (state == State.ENDED) {
                            throw new CompletionException(new IOException("the session closed as it opened"));
                        }
                        state = State.UP;
                    }
                    return (Link) this;
                })
                .whenComplete((link, failure) -> {
                    if (failure != null) {
                        disconnect(Mqtt5DisconnectReasonCode.NORMAL_DISCONNECTION);
                    }
                });
    }

    /**
     * Subscribes to the device's commands and state delta. A broker that refuses the subscriptions still takes the
     * device's readings, so a refusal leaves the link without commands rather than failing it.
     */
    private CompletableFuture<Void> subscribe() {
        return client.subscribeWith()
                .addSubscription().topicFilter(topic(COMMANDS)).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter(topic(STATE_DELTA)).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .callback(this::heard)
                .send()
                .handle((subAck, failure) -> {
                    if (failure != null && !(HubException.unwrap(failure) instanceof Mqtt5SubAckException)) {
                        throw failure instanceof CompletionException wrapped ? wrapped
                                : new CompletionException(failure);
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<FrameVerdict> send(Frame frame) {
        CompletableFuture<FrameVerdict> verdict = inFlight.add(frame);
        synchronized (this) {
            if (state == State.ENDED) {
                inFlight.lostAll("the link was closed");
                return verdict;
            }
        }
        client.publishWith().topic(topic(TELEMETRY)).qos(MqttQos.AT_LEAST_ONCE)
                .payload(frame.json().getBytes(StandardCharsets.UTF_8)).send()
                .whenComplete((result, failure) -> pubAck(frame, result, failure));
        return verdict;
    }

    @Override
    public void control(DeviceControl control) {
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
        }
        String leaf = control instanceof DeviceControl.CommandResult ? COMMAND_RESULTS : STATE_REPORTED;
        client.publishWith().topic(topic(leaf)).qos(MqttQos.AT_LEAST_ONCE)
                .payload(Wire.encode(control).getBytes(StandardCharsets.UTF_8)).send()
                .whenComplete((result, failure) -> {
                    PublishOutcome outcome = PublishOutcome.of(result, failure);
                    if (control instanceof DeviceControl.CommandResult answered && outcome.pubAck() != null) {
                        listener.heard(new HubMessage.CommandAck(answered.commandId(),
                                outcome.pubAck().getReasonCode().isError() ? outcome.code() : null));
                    }
                });
    }

    /** A publish on one of the device's subscriptions: a command or a state delta, else nothing of the hub's. */
    private void heard(Mqtt5Publish publish) {
        HubMessage message;
        try {
            message = Wire.decodeHubMessage(new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return;
        }
        if (message instanceof HubMessage.Command || message instanceof HubMessage.StateDelta) {
            listener.heard(message);
        }
    }

    private String topic(String leaf) {
        return "devices/" + deviceId + "/" + leaf;
    }

    private void pubAck(Frame frame, Mqtt5PublishResult result, Throwable failure) {
        PublishOutcome outcome = PublishOutcome.of(result, failure);
        Mqtt5PubAck ack = outcome.pubAck();
        if (ack == null) {
            end("publish failed: " + describe(outcome.failure()));
        } else if (!ack.getReasonCode().isError()) {
            inFlight.acked(frame);
        } else {
            String code = outcome.code();
            if (code.equals(ErrorCode.STORE_UNAVAILABLE.wire()) || code.equals(ErrorCode.RATE_LIMITED.wire())) {
                inFlight.refused(frame, code, RETRY_AFTER_MS);
            } else {
                inFlight.rejected(frame, code, "PUBACK " + ack.getReasonCode());
            }
        }
    }

    @Override
    public void close() {
        end("closed by the device");
        disconnect(Mqtt5DisconnectReasonCode.NORMAL_DISCONNECTION);
    }

    /** The client has no way to drop its socket unannounced; a disconnect with the will is the nearest to a cut. */
    @Override
    public void cut() {
        end("cut by the device");
        disconnect(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE);
    }

    private void disconnect(Mqtt5DisconnectReasonCode reason) {
        if (client.getState().isConnectedOrReconnect()) {
            client.disconnectWith().reasonCode(reason).send().exceptionally(failure -> null);
        }
    }

    /** The link is over: unanswered frames end Lost, and the listener hears it once if the link was ever up. */
    private void end(String why) {
        State before;
        synchronized (this) {
            before = state;
            state = State.ENDED;
        }
        if (before != State.ENDED) {
            inFlight.lostAll(why);
        }
        if (before == State.UP) {
            listener.down(why);
        }
    }

    private static String describe(Throwable failure) {
        return failure == null ? "unknown cause" : failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : " " + failure.getMessage());
    }
}
