package org.telemetryhub.hub.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.CommandStore;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;

/**
 * Operators' commands to devices: created only once stored, moved through their states by one conditional store
 * update each, and every change reported to {@link Changes} (the feed, which tells the device rooms and the
 * deliveries of every node). Expected failures come back as {@link Outcome.Refused} with a code and a sentence.
 */
public final class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    /** The largest {@code args} or {@code result}, as UTF-8 JSON. */
    public static final int MAX_JSON_BYTES = 8 * 1024;
    public static final long MIN_TTL_MS = 1_000;
    public static final long MAX_TTL_MS = 604_800_000;
    public static final long DEFAULT_TTL_MS = 3_600_000;
    /** Commands the expiry moves per run, so that one run stays short. */
    private static final int EXPIRE_BATCH = 1_000;

    /** Hears of every stored change to a command. */
    @FunctionalInterface
    public interface Changes {
        void changed(Command command);
    }

    /** What a request did: the command as it now is, or why nothing changed. */
    public sealed interface Outcome {
        record Done(Command command) implements Outcome {}

        record Refused(ErrorCode code, String message) implements Outcome {}
    }

    private final CommandStore store;
    private final HubConfig.Commands config;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Changes changes;

    public Commands(CommandStore store, HubConfig.Commands config, Clock clock, Supplier<String> ids,
                    Changes changes) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.ids = ids;
        this.changes = changes;
    }

    /** Queues {@code {"name","args","ttlMs"}} for the device; stored before this returns. */
    public Outcome create(DeviceRef device, JsonNode request) {
        JsonNode name = request.get("name");
        if (name == null || !name.isTextual() || !Ids.isValid(name.asText())) {
            return refused(ErrorCode.INVALID_COMMAND, "command.name must match " + Ids.RULE + ", but was "
                    + shown(name));
        }
        JsonNode args = request.has("args") ? request.get("args") : JsonNodeFactory.instance.objectNode();
        Outcome.Refused badArgs = jsonObject("command.args", args, ErrorCode.INVALID_COMMAND);
        if (badArgs != null) {
            return badArgs;
        }
        JsonNode ttl = request.get("ttlMs");
        long ttlMs = ttl == null ? DEFAULT_TTL_MS : ttl.isIntegralNumber() && ttl.canConvertToLong()
                ? ttl.longValue() : -1;
        if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
            return refused(ErrorCode.INVALID_TTL, "command.ttlMs must be an integer in [" + MIN_TTL_MS + ", "
                    + MAX_TTL_MS + "], but was " + shown(ttl));
        }
        long now = clock.millis();
        Command command = new Command(0, device, ids.get(), name.asText(), args, Command.Status.QUEUED, null, null,
                now, now + ttlMs, null, null);
        Optional<Command> inserted = store.insert(command, config.maxQueued(), now);
        if (inserted.isEmpty()) {
            return refused(ErrorCode.QUEUE_FULL, "device " + device.id() + " must have at most "
                    + config.maxQueued() + " unfinished commands (commands.maxQueued), but already has as many");
        }
        Command stored = inserted.get();
        log.debug("event=command_queued device={} command={} name={}", device.id(), stored.commandId(),
                stored.name());
        changes.changed(stored);
        return new Outcome.Done(stored);
    }

    /** One of the device's commands; another device's command is unknown here. */
    public Optional<Command> find(DeviceRef device, String commandId) {
        return store.find(commandId).filter(c -> c.device().key() == device.key());
    }

    public List<Command> list(DeviceRef device, Optional<Command.Status> status, long afterNumber, int limit) {
        return store.list(device.key(), status, afterNumber, limit);
    }

    /** How many unanswered commands a device may hold at once ({@code commands.maxInFlight}). */
    public int maxInFlight() {
        return config.maxInFlight();
    }

    /** The commands the device may hold now: the first unfinished ones, delivered or not, in creation order. */
    public List<Command> window(DeviceRef device) {
        return store.window(device, clock.millis(), config.maxInFlight());
    }

    public Outcome cancel(DeviceRef device, String commandId) {
        Optional<Command> cancelled = store.cancel(device.key(), commandId, clock.millis());
        if (cancelled.isPresent()) {
            changes.changed(cancelled.get());
            return new Outcome.Done(cancelled.get());
        }
        return find(device, commandId).<Outcome>map(c -> refused(ErrorCode.COMMAND_FINISHED, "command " + commandId
                + " must be unfinished to be cancelled, but was " + c.status().wire()))
                .orElseGet(() -> unknown(device, commandId));
    }

    /**
     * Marks a command the device's connection has taken as delivered (it may have been answered meanwhile); the
     * answer completes once the mark is committed, or failed.
     */
    public CompletableFuture<Void> delivered(Command command) {
        return store.delivered(command.commandId(), clock.millis())
                .thenAccept(moved -> moved.ifPresent(changes::changed));
    }

    /**
     * Records the device's answer {@code {"ok":bool,"result":{...}}} to one of its commands, exactly once: a second
     * answer, an answer to another device's or an unknown command, or to one that ended, changes nothing.
     */
    public Outcome answer(DeviceRef device, String commandId, JsonNode answer) {
        JsonNode ok = answer.get("ok");
        if (ok == null || !ok.isBoolean()) {
            return refused(ErrorCode.BAD_MESSAGE, "command_result.ok must be true or false, but was " + shown(ok));
        }
        JsonNode result = answer.get("result");
        if (result != null) {
            Outcome.Refused badResult = jsonObject("command_result.result", result, ErrorCode.BAD_MESSAGE);
            if (badResult != null) {
                return badResult;
            }
        }
        Optional<Command> finished = store.finish(device.key(), commandId, ok.booleanValue(), result,
                clock.millis());
        if (finished.isPresent()) {
            log.debug("event=command_answered device={} command={} ok={}", device.id(), commandId, ok);
            changes.changed(finished.get());
            return new Outcome.Done(finished.get());
        }
        Optional<Command> known = find(device, commandId);
        if (known.isEmpty()) {
            return unknown(device, commandId);
        }
        Command.Status status = known.get().status();
        if (status == Command.Status.SUCCEEDED || status == Command.Status.FAILED) {
            return refused(ErrorCode.DUPLICATE_RESULT, "command " + commandId + " already has its result");
        }
        return refused(ErrorCode.COMMAND_FINISHED, "command " + commandId + " must be unfinished to take a result, "
                + "but was " + (status.isFinished() ? status.wire() : "expired"));
    }

    /**
     * A device's {@code command_result} frame, answered by {@code command_ack} (with an error code when nothing
     * changed) or, for a frame that is not one, by a {@code bad_message} error.
     */
    public HubMessage answerFrame(DeviceRef device, JsonNode frame) {
        JsonNode commandId = frame.get("commandId");
        if (commandId == null || !commandId.isTextual()) {
            return HubMessage.Error.of(ErrorCode.BAD_MESSAGE, "command_result.commandId must be a string, but was "
                    + shown(commandId));
        }
        Outcome outcome = answer(device, commandId.asText(), frame);
        if (outcome instanceof Outcome.Refused refused) {
            return refused.code() == ErrorCode.BAD_MESSAGE ? HubMessage.Error.of(refused.code(), refused.message())
                    : new HubMessage.CommandAck(commandId.asText(), refused.code().wire());
        }
        return new HubMessage.CommandAck(commandId.asText(), null);
    }

    /** Moves commands whose time ran out to {@code expired}; run about once a second. */
    public void expireDue() {
        for (Command expired : store.expire(clock.millis(), EXPIRE_BATCH)) {
            log.debug("event=command_expired device={} command={}", expired.device().id(), expired.commandId());
            changes.changed(expired);
        }
    }

    private static Outcome.Refused unknown(DeviceRef device, String commandId) {
        return refused(ErrorCode.UNKNOWN_COMMAND, "command " + Ids.echo(commandId) + " is not a command of device "
                + device.id());
    }

    private static Outcome.Refused jsonObject(String field, JsonNode value, ErrorCode code) {
        if (!value.isObject()) {
            return refused(code, field + " must be a JSON object, but was " + shown(value));
        }
        int bytes = Wire.encode(value).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_JSON_BYTES) {
            return refused(code, field + " must be at most " + MAX_JSON_BYTES + " bytes of JSON, but was " + bytes);
        }
        return null;
    }

    private static Outcome.Refused refused(ErrorCode code, String message) {
        return new Outcome.Refused(code, message);
    }

    private static String shown(JsonNode value) {
        return value == null ? "missing" : Ids.echo(value.toString());
    }
}
