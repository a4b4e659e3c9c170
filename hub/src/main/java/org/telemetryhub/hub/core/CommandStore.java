package org.telemetryhub.hub.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where commands live, shared by every hub node of one store. Each transition is one conditional update, so two
 * nodes (or a result racing its expiry) cannot both move a command: exactly one wins and reports the change.
 */
public interface CommandStore {

    /**
     * Stores a new queued command unless its device already has {@code maxUnfinished} unfinished ones (decided under
     * the device's lock, so nodes cannot overfill a queue together): the command as stored, empty when the queue is
     * full.
     */
    Optional<Command> insert(Command command, int maxUnfinished, long now);

    Optional<Command> find(String commandId);

    /** A device's commands in creation order, after {@code afterNumber}, optionally of one status. */
    List<Command> list(long deviceKey, Optional<Command.Status> status, long afterNumber, int limit);

    /** The device's first unfinished, unexpired commands in creation order: the ones it may hold at once. */
    List<Command> window(DeviceRef device, long now, int limit);

    /**
     * {@code queued → delivered}, without waiting for the commit (a delivery mark may lag its delivery; a result
     * fills it in); completes with the command, or empty when it had moved on meanwhile.
     */
    CompletableFuture<Optional<Command>> delivered(String commandId, long now);

    /**
     * Records the device's result: {@code succeeded} or {@code failed}, once, while the command is unfinished and
     * unexpired; empty otherwise.
     */
    Optional<Command> finish(long deviceKey, String commandId, boolean ok, JsonNode result, long now);

    /** {@code queued | delivered → cancelled}; empty when it had ended. */
    Optional<Command> cancel(long deviceKey, String commandId, long now);

    /** Unfinished commands whose time ran out, with up to {@code limit} of them moved to {@code expired}. */
    List<Command> expire(long now, int limit);
}
