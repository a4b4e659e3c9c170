package org.telemetryhub.hub.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.telemetryhub.hub.auth.LiveSessions;
import org.telemetryhub.hub.auth.OperatorAuth;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.hub.rooms.DashboardMessage;
import org.telemetryhub.hub.rooms.DashboardSession;
import org.telemetryhub.hub.rooms.Rooms;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;

/**
 * One dashboard's WebSocket: turns subscribe and unsubscribe frames into calls on its {@link DashboardSession}, and
 * the session's messages into frames. At most {@code framesPerSecond} frames a second are read; beyond that a frame
 * is answered with {@code rate_limited} and ignored, and ten such seconds in a row close the socket with 1008. When
 * its session ends (logout, expiry, a password, role or namespace change, the operator's deletion) it is told why in
 * an {@code error} frame {@code session_ended} and closed with {@value #SESSION_ENDED_CODE} {@code session_ended}.
 */
public final class DashboardSocket extends TextSocket implements DashboardSession.Sink {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DashboardSocket.class);
    private static final int HOPELESS_SECONDS = 10;
    /** A close code of the private range, as HTTP's 401: the client must sign in again, not reconnect. */
    static final int SESSION_ENDED_CODE = 4401;

    private final Rooms rooms;
    private final OperatorAuth.Session operatorSession;
    private final LiveSessions live;
    private final Operator operator;
    private final int framesPerSecond;
    private final Clock clock;
    private final java.util.function.Consumer<DashboardSocket> onClosed;
    private DashboardSession dashboard;
    private LiveSessions.Registration registration;
    private long windowStart;
    private int framesInWindow;
    private int limitedSecondsInARow;
    private boolean limitedThisWindow;

    DashboardSocket(Rooms rooms, OperatorAuth.Session operatorSession, LiveSessions live, int framesPerSecond,
                    Clock clock, java.util.function.Consumer<DashboardSocket> onClosed) {
        this.onClosed = onClosed;
        this.rooms = rooms;
        this.operatorSession = operatorSession;
        this.live = live;
        this.operator = operatorSession.operator();
        this.framesPerSecond = framesPerSecond;
        this.clock = clock;
    }

    @Override
    protected void opened() {
        this.dashboard = rooms.open(operator, this);
        this.registration = live.open(operatorSession, this::sessionEnded);
        readMore();
    }

    @Override
    protected void text(String frame) {
        handle(frame);
        readMore();
    }

    private void handle(String frame) {
        if (!admit()) {
            return;
        }
        JsonNode message;
        try {
            message = Wire.tree(frame);
        } catch (JsonProcessingException e) {
            badMessage("frame must be one valid JSON object");
            return;
        }
        String type = message.path("type").asText("");
        JsonNode device = message.get("device");
        JsonNode namespace = message.get("namespace");
        if (!(type.equals("subscribe") || type.equals("unsubscribe")) || (device == null) == (namespace == null)
                || (device != null && !device.isTextual()) || (namespace != null && !namespace.isTextual())) {
            badMessage("frame must be a subscribe or unsubscribe with either a device or a namespace");
            return;
        }
        JsonNode after = message.get("after");
        if (after != null && !(after.isIntegralNumber() && after.canConvertToLong() && after.longValue() >= 0)) {
            badMessage("after must be an offset (an integer >= 0), but was " + Ids.echo(after.toString()));
            return;
        }
        if (type.equals("subscribe")) {
            if (device != null) {
                dashboard.subscribeDevice(device.asText(), after == null ? null : after.longValue());
            } else {
                dashboard.subscribeNamespace(namespace.asText());
            }
        } else if (device != null) {
            dashboard.unsubscribeDevice(device.asText());
        } else {
            dashboard.unsubscribeNamespace(namespace.asText());
        }
    }

    @Override
    protected void failed(Throwable cause) {
        log.debug("event=dashboard_socket_error operator={} error={}", operator.username(), cause.toString());
    }

    @Override
    protected void closed(int statusCode, String reason) {
        onClosed.accept(this);
        if (registration != null) {
            registration.close();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Override
    public void send(DashboardMessage message, Runnable done) {
        if (!isOpen()) {
            done.run();
            return;
        }
        sendText(Wire.encode(message), Callback.from(done, failure -> done.run()));
    }

    @Override
    public void close(String reason) {
        close(CloseStatus.POLICY_VIOLATION, reason);
    }

    /** Says why in a last frame, then closes; the frames go out in order. */
    private void sessionEnded(SessionEnd.Reason reason) {
        Runnable close = () -> close(SESSION_ENDED_CODE, "session_ended");
        sendText(Wire.encode(DashboardMessage.Error.of("session_ended", reason.sentence(), null, null)),
                Callback.from(close, failure -> close.run()));
    }

    /** Counts the frame against this second's allowance; false when it must be ignored. */
    private boolean admit() {
        long second = clock.millis() / 1000;
        if (second != windowStart) {
            limitedSecondsInARow = second == windowStart + 1 && limitedThisWindow ? limitedSecondsInARow : 0;
            windowStart = second;
            framesInWindow = 0;
            limitedThisWindow = false;
        }
        if (++framesInWindow <= framesPerSecond) {
            return true;
        }
        if (!limitedThisWindow) {
            limitedThisWindow = true;
            if (++limitedSecondsInARow >= HOPELESS_SECONDS) {
                close(CloseStatus.POLICY_VIOLATION, "more than " + framesPerSecond + " frames a second for "
                        + HOPELESS_SECONDS + " seconds");
                return false;
            }
        }
        dashboard.reply(DashboardMessage.Error.of("rate_limited", "a dashboard may send at most " + framesPerSecond
                + " frames a second; this frame was ignored", null, null));
        return false;
    }

    private void badMessage(String message) {
        dashboard.reply(DashboardMessage.Error.of("bad_message", message, null, null));
    }
}
