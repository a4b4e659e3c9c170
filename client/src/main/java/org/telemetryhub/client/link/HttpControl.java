package org.telemetryhub.client.link;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.HubCalls;
import org.telemetryhub.client.HubException;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;

/**
 * Commands and state for one HTTP link, its ticket as bearer. A command's result is a
 * {@code POST .../commands/{commandId}/result} and the reported state a {@code PUT .../state/reported}; their answers
 * reach the listener as a {@code command_ack} (with the hub's code when it refused the result) and a
 * {@code state_ack}.
 *
 * <p>When it {@code polls}, it reads {@code GET .../state} as the link opens and long-polls
 * {@code GET .../commands/pending} (at most {@value #POLL_WAIT_MS} ms a poll) for as long as the link lives, reading
 * the state again after every poll: the listener hears the delta when the link opens (if the device has a desired
 * document) and whenever the desired version changed; the hub ends a waiting poll when the desired state changes, so
 * the change arrives at once. The listener hears each command once per link; the next poll waits until every command
 * heard is answered, or {@value #RESULT_WAIT_MS} ms at most.
 */
final class HttpControl {

    static final long POLL_WAIT_MS = 10_000;
    static final long RESULT_WAIT_MS = 5_000;

    private final HubCalls calls;
    private final String deviceId;
    private final String devicePath;
    private final String ticket;
    private final HttpLink link;
    private final LinkListener listener;
    private final Set<String> heard = new HashSet<>();
    private final Set<String> unanswered = new HashSet<>();
    private long desiredVersion = -1;
    private boolean polling;
    private CompletableFuture<HubCalls.Answer> pollRequest;
    private boolean stopped;

    HttpControl(HubCalls calls, String deviceId, String ticket, HttpLink link, LinkListener listener) {
        this.calls = calls;
        this.deviceId = deviceId;
        this.devicePath = "/api/devices/" + deviceId;
        this.ticket = ticket;
        this.link = link;
        this.listener = listener;
    }

    /** Reads the state, then polls, round after round, until {@link #stop}. */
    void start() {
        synchronized (this) {
            polling = true;
        }
        readState().thenRun(this::poll);
    }

    /** No more polls or answers: the poll on its way is cancelled, and what other requests answer is ignored. */
    void stop() {
        CompletableFuture<HubCalls.Answer> poll;
        synchronized (this) {
            stopped = true;
            poll = pollRequest;
        }
        if (poll != null) {
            poll.cancel(true);
        }
    }

    void send(DeviceControl control) {
        if (control instanceof DeviceControl.CommandResult result) {
            String id = result.commandId();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", result.ok());
            body.put("result", result.result());
            call("POST", devicePath + "/commands/" + id + "/result", body, "post the result of command " + id)
                    .thenAccept(answer -> {
                        if (answer != null) {
                            listener.heard(new HubMessage.CommandAck(id, answer.status() == 200 ? null
                                    : errorCode(answer)));
                        }
                        answered(id);
                    });
        } else if (control instanceof DeviceControl.State state) {
            call("PUT", devicePath + "/state/reported", state.reported(), "report the state")
                    .thenAccept(answer -> {
                        if (answer != null && answer.status() == 200) {
                            listener.heard(new HubMessage.StateAck(HubCalls.number(answer, "reportedVersion")));
                        }
                    });
        }
    }

    /**
     * One round: a poll, the commands it brought, a state read; the next round follows at once, or, while a command
     * heard waits for its result or when the poll brought only commands already heard (or an error), after that
     * result or {@value #RESULT_WAIT_MS} ms.
     */
    private void poll() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            polling = true;
        }
        if (link.renewalDue()) {
            return;
        }
        long known;
        synchronized (this) {
            known = desiredVersion;
        }
        // naming the desired version read last, the poll ends at once if it changed before the poll got there
        CompletableFuture<HubCalls.Answer> poll = calls.callAsync("GET", devicePath + "/commands/pending?waitMs="
                + POLL_WAIT_MS + (known < 0 ? "" : "&desiredVersion=" + known), null, ticket,
                "poll for commands of device " + deviceId);
        boolean stoppedMeanwhile;
        synchronized (this) {
            pollRequest = poll;
            stoppedMeanwhile = stopped;
        }
        if (stoppedMeanwhile) {
            poll.cancel(true);
        }
        outcome(poll)
                .thenCompose(answer -> {
                    boolean wait = answer == null || answer.status() != 200 || onlyHeardBefore(answer);
                    return readState().thenRun(() -> roundDone(wait));
                });
    }

    private void roundDone(boolean wait) {
        boolean now;
        synchronized (this) {
            polling = false;
            now = !wait && unanswered.isEmpty();
        }
        if (now) {
            poll();
        } else {
            CompletableFuture.delayedExecutor(RESULT_WAIT_MS, TimeUnit.MILLISECONDS).execute(this::pollIfIdle);
        }
    }

    /** Hands the listener the commands it has not heard yet; true when the answer held only ones it has. */
    private boolean onlyHeardBefore(HubCalls.Answer answer) {
        List<HubMessage.Command> fresh = new ArrayList<>();
        int given = 0;
        if (answer.json() != null) {
            for (JsonNode command : answer.json().path("commands")) {
                given++;
                String id = command.path("commandId").asText();
                synchronized (this) {
                    if (!command.path("commandId").isTextual() || !heard.add(id)) {
                        continue;
                    }
                    unanswered.add(id);
                }
                fresh.add(new HubMessage.Command(id, command.path("name").asText(), command.path("args"),
                        command.path("expiresAt").asLong()));
            }
        }
        fresh.forEach(listener::heard);
        return given > 0 && fresh.isEmpty();
    }

    private void answered(String commandId) {
        boolean pollNow;
        synchronized (this) {
            pollNow = unanswered.remove(commandId) && unanswered.isEmpty() && !polling;
        }
        if (pollNow) {
            pollIfIdle();
        }
    }

    private void pollIfIdle() {
        synchronized (this) {
            if (polling || stopped) {
                return;
            }
        }
        poll();
    }

    /** Reads the state; the listener hears the delta when the desired version is new to this link. */
    private CompletableFuture<Void> readState() {
        return call("GET", devicePath + "/state", null, "read the state").thenAccept(answer -> {
            if (answer == null || answer.status() != 200 || answer.json() == null) {
                return;
            }
            long version = HubCalls.number(answer, "desiredVersion");
            synchronized (this) {
                if (version == desiredVersion) {
                    return;
                }
                desiredVersion = version;
            }
            if (version == 0) {
                return; // no desired document yet
            }
            listener.heard(new HubMessage.StateDelta(version, answer.json().path("delta")));
        });
    }

    /**
     * One request; completes with its answer, or with null when the control has stopped or the link ended because
     * of it: a refused ticket (401) or a failed request ends the link, and the next link starts over.
     */
    private CompletableFuture<HubCalls.Answer> call(String method, String path, Object body, String what) {
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return outcome(calls.callAsync(method, path, body, ticket, what + " of device " + deviceId));
    }

    private CompletableFuture<HubCalls.Answer> outcome(CompletableFuture<HubCalls.Answer> request) {
        return request.handle((answer, failure) -> {
            synchronized (this) {
                if (stopped) {
                    return null;
                }
            }
            if (failure != null) {
                link.end("request failed: " + HubException.unwrap(failure).getMessage());
                return null;
            }
            if (answer.status() == 401) {
                link.end("the hub answered HTTP 401 " + errorCode(answer));
                return null;
            }
            return answer;
        });
    }

    private static String errorCode(HubCalls.Answer answer) {
        String error = answer.json() == null ? "" : answer.json().path("error").asText();
        return error.isEmpty() ? "http_" + answer.status() : error;
    }
}
