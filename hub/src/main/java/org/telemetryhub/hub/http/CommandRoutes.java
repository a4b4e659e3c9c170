package org.telemetryhub.hub.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.Commands;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Ids;

/**
 * Commands over HTTP: operators send, list, read and cancel a device's commands; a device (its ticket as bearer)
 * long-polls for its pending commands and posts each result.
 */
public final class CommandRoutes {

    private static final int MAX_LIMIT = 1_000;
    private static final long DEFAULT_WAIT_MS = 25_000;
    /** A poll that names no desired version. */
    private static final long UNKNOWN_VERSION = -1;

    private final OperatorGate operators;
    private final DeviceAccess devices;
    private final DeviceGate deviceGate;
    private final Commands commands;
    private final CommandDelivery delivery;
    private final ScheduledExecutorService timers;
    private final long longPollMaxMs;
    private final Set<Poll> polls = ConcurrentHashMap.newKeySet();

    public CommandRoutes(OperatorGate operators, DeviceAccess access, DeviceGate deviceGate, Commands commands,
                         CommandDelivery delivery, ScheduledExecutorService timers, long longPollMaxMs) {
        this.operators = operators;
        this.devices = access;
        this.deviceGate = deviceGate;
        this.commands = commands;
        this.delivery = delivery;
        this.timers = timers;
        this.longPollMaxMs = longPollMaxMs;
    }

    public void register(Router router) {
        router.add("POST", "/api/devices/{id}/commands", this::create);
        router.add("GET", "/api/devices/{id}/commands", this::list);
        // before {commandId}: a command id is never "pending" (ids start with their number)
        router.add("GET", "/api/devices/{id}/commands/pending", this::pending);
        router.add("GET", "/api/devices/{id}/commands/{commandId}", this::read);
        router.add("DELETE", "/api/devices/{id}/commands/{commandId}", this::cancel);
        router.add("POST", "/api/devices/{id}/commands/{commandId}/result", this::result);
    }

    /** Answers every waiting poll with no commands, for shutdown: a poll's timer would not run any more. */
    public void closeAll() {
        polls.forEach(poll -> poll.answer(List.of()));
    }

    private void create(Exchange exchange) {
        Operator admin = operators.requireAdmin(exchange);
        DeviceRef device = devices.visible(exchange, admin);
        exchange.json(201, done(commands.create(device, exchange.jsonBody())));
    }

    private void list(Exchange exchange) {
        DeviceRef device = devices.visible(exchange, operators.require(exchange).operator());
        Optional<Command.Status> status = Optional.ofNullable(exchange.query("status")).map(CommandRoutes::status);
        int limit = (int) Query.bounded(exchange, "limit", 100, 1, MAX_LIMIT);
        long after = Query.bounded(exchange, "after", 0, 0, Long.MAX_VALUE);
        List<Command> page = commands.list(device, status, after, limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("commands", page);
        answer.put("next", page.size() == limit ? page.get(page.size() - 1).number() : null);
        exchange.json(200, answer);
    }

    private void read(Exchange exchange) {
        DeviceRef device = devices.visible(exchange, operators.require(exchange).operator());
        String commandId = exchange.path("commandId");
        exchange.json(200, commands.find(device, commandId).orElseThrow(() -> new ApiError(404,
                ErrorCode.UNKNOWN_COMMAND, "command " + Ids.echo(commandId) + " is not a command of device "
                + device.id())));
    }

    private void cancel(Exchange exchange) {
        Operator admin = operators.requireAdmin(exchange);
        DeviceRef device = devices.visible(exchange, admin);
        exchange.json(200, done(commands.cancel(device, exchange.path("commandId"))));
    }

    private void result(Exchange exchange) {
        DeviceRef device = deviceGate.require(exchange);
        exchange.json(200, done(commands.answer(device, exchange.path("commandId"), exchange.jsonBody())));
    }

    /**
     * Answers at once with the commands the device may hold (those it was given before and has not answered come
     * again), or as soon as one is queued, or with an empty list after {@code waitMs} or as soon as the device's
     * desired state changes (it then reads {@code GET .../state}); a device that names the desired version it knows
     * ({@code desiredVersion}) gets the empty list at once if that is no longer the version, so no change slips in
     * between its state read and its poll. A poll is the device's newest connection while it waits.
     */
    private void pending(Exchange exchange) {
        DeviceRef device = deviceGate.require(exchange);
        long waitMs = Query.bounded(exchange, "waitMs", Math.min(DEFAULT_WAIT_MS, longPollMaxMs), 0,
                longPollMaxMs);
        long knownVersion = Query.bounded(exchange, "desiredVersion", UNKNOWN_VERSION, 0, Long.MAX_VALUE);
        Poll poll = new Poll(exchange, device, knownVersion);
        polls.add(poll);
        exchange.request().getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(waitMs + 10_000);
        poll.timeout = timers.schedule(() -> poll.answer(List.of()), waitMs, TimeUnit.MILLISECONDS);
        delivery.connected(poll);
    }

    /** One long-poll as a delivery link: it takes one offer, or none, and answers the request with it. */
    private final class Poll implements CommandDelivery.Link {
        private final Exchange exchange;
        private final DeviceRef device;
        private final long knownVersion;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile ScheduledFuture<?> timeout;

        Poll(Exchange exchange, DeviceRef device, long knownVersion) {
            this.exchange = exchange;
            this.device = device;
            this.knownVersion = knownVersion;
        }

        @Override
        public DeviceRef device() {
            return device;
        }

        @Override
        public boolean offer(List<Command> pending, Runnable taken) {
            return answer(pending);
        }

        @Override
        public boolean deliversOnOffer() {
            return true;
        }

        /**
         * An HTTP device reads its state with {@code GET .../state} instead; the delta it hears as it connects ends
         * the wait when the device named another desired version than this one.
         */
        @Override
        public void stateDelta(HubMessage.StateDelta delta) {
            if (knownVersion != UNKNOWN_VERSION && delta.desiredVersion() != knownVersion) {
                answer(List.of());
            }
        }

        /** Ends the wait, with no commands, so that the device reads its new state now. */
        @Override
        public void desiredChanged() {
            answer(List.of());
        }

        boolean answer(List<Command> pending) {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            polls.remove(this);
            delivery.disconnected(this);
            ScheduledFuture<?> timer = timeout;
            if (timer != null) {
                timer.cancel(false);
            }
            exchange.json(200, Map.of("commands", pending.stream().map(Command::message).toList()));
            return true;
        }
    }

    private static Command.Status status(String raw) {
        for (Command.Status status : Command.Status.values()) {
            if (status.wire().equals(raw)) {
                return status;
            }
        }
        throw ApiError.badMessage("status must be one of queued|delivered|succeeded|failed|expired|cancelled, but "
                + "was \"" + Ids.echo(raw) + "\"");
    }

    private static Command done(Commands.Outcome outcome) {
        if (outcome instanceof Commands.Outcome.Refused refused) {
            throw new ApiError(httpStatus(refused.code()), refused.code(), refused.message());
        }
        return ((Commands.Outcome.Done) outcome).command();
    }

    private static int httpStatus(ErrorCode code) {
        return switch (code) {
            case QUEUE_FULL -> 429;
            case UNKNOWN_COMMAND -> 404;
            case COMMAND_FINISHED, DUPLICATE_RESULT -> 409;
            default -> 400;
        };
    }
}
