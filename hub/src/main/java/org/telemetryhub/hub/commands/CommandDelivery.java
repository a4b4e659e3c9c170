package org.telemetryhub.hub.commands;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.HubMessage;

/**
 * Hands each device its commands over its newest connection on this node: in creation order, at most
 * {@code commands.maxInFlight} unanswered at once, the delivered-but-unanswered ones again on every new connection.
 * The store decides what a device may hold (its first unfinished commands); a connection remembers what it was given,
 * so it gets each command once. Every change to a device's commands, here or on another node, wakes its delivery;
 * each device's delivery runs one pass at a time on the executor, since it reads the store. The same connection
 * hears the device's {@code state_delta} on connect and after every desired change.
 */
public final class CommandDelivery {

    private static final Logger log = LoggerFactory.getLogger(CommandDelivery.class);

    /** A device's connection as delivery sees it, whatever its transport. */
    public interface Link {
        DeviceRef device();

        /**
         * Hands these commands to the device, in order; calls {@code taken} once the transport counts them as
         * delivered (written to the socket, PUBACKed, returned by a poll). False when the link can take nothing more.
         */
        boolean offer(List<Command> commands, Runnable taken);

        /**
         * True when handing commands over is delivering them (a poll's answer): they are then recorded as delivered
         * before the offer, so the answer never overtakes the record. False when the transport confirms later.
         */
        boolean deliversOnOffer();

        /** Tells the device how its desired state differs from what it reported. */
        void stateDelta(HubMessage.StateDelta delta);

        /**
         * The device's desired document changed (its new delta follows through {@link #stateDelta}); a link that
         * cannot carry the delta lets the device know it should read its state.
         */
        default void desiredChanged() {
        }
    }

    private final Commands commands;
    private final DeviceStates states;
    private final Executor executor;
    /** Each device's connections on this node, oldest first (an immutable list, replaced whole): the last delivers. */
    private final Map<Long, List<Route>> routes = new ConcurrentHashMap<>();

    public CommandDelivery(Commands commands, DeviceStates states, Executor executor) {
        this.commands = commands;
        this.states = states;
        this.executor = executor;
    }

    /** The device's newest connection: it takes over delivery from any older one. */
    public void connected(Link link) {
        Route route = new Route(link);
        routes.compute(link.device().key(), (key, links) -> {
            List<Route> all = new ArrayList<>(links == null ? List.of() : links);
            all.add(route);
            return List.copyOf(all);
        });
        route.deltaWanted.set(true);
        route.wake();
    }

    /** A connection ended; when it was the newest, the one before it (if any) takes delivery back. */
    public void disconnected(Link link) {
        routes.computeIfPresent(link.device().key(), (key, links) -> {
            List<Route> rest = links.stream().filter(route -> route.link != link).toList();
            return rest.isEmpty() ? null : rest;
        });
        changed(link.device().key());
    }

    /**
     * Something changed in one of the device's commands: a new one, a result, a cancel, an expiry. A command that
     * ended frees a place in the device's window, which matters only when the window was full: otherwise the device
     * already holds every unfinished command, and the store is not asked again. A delivered mark changes no window.
     */
    public void changed(Command command) {
        if (command.status() == Command.Status.DELIVERED) {
            return;
        }
        active(command.device().key())
                .filter(route -> !command.isFinished() || route.windowFull)
                .ifPresent(Route::wake);
    }

    private void changed(long deviceKey) {
        active(deviceKey).ifPresent(Route::wake);
    }

    /** The device's desired document changed: its connection hears the new delta. */
    public void desiredChanged(long deviceKey) {
        active(deviceKey).ifPresent(route -> {
            route.link.desiredChanged();
            route.deltaWanted.set(true);
            route.wake();
        });
    }

    /** Wakes every delivery, so that a change whose news was lost between nodes waits at most one tick. */
    public void tick() {
        routes.keySet().forEach(this::changed);
    }

    private Optional<Route> active(long deviceKey) {
        List<Route> links = routes.get(deviceKey);
        return links == null ? Optional.empty() : Optional.of(links.get(links.size() - 1));
    }

    /** One connection's delivery: what it was given and still holds unanswered. */
    private final class Route {
        private final Link link;
        private final Set<String> given = new HashSet<>();
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicBoolean wanted = new AtomicBoolean();
        private final AtomicBoolean deltaWanted = new AtomicBoolean();
        /** The last read of the window found it full: a command that ends may let the next one in. */
        private volatile boolean windowFull = true;

        Route(Link link) {
            this.link = link;
        }

        void wake() {
            wanted.set(true);
            if (running.compareAndSet(false, true)) {
                executor.execute(this::run);
            }
        }

        private void run() {
            try {
                while (wanted.getAndSet(false) && active(link.device().key()).orElse(null) == this) {
                    if (deltaWanted.getAndSet(false)) {
                        states.delta(link.device()).ifPresent(link::stateDelta);
                    }
                    pass();
                }
            } catch (RuntimeException e) {
                log.warn("event=command_delivery_failed device={} error={}", link.device().id(), e.toString());
            } finally {
                running.set(false);
                if (wanted.get()) {
                    wake();
                }
            }
        }

        private void pass() {
            List<Command> window = commands.window(link.device());
            windowFull = window.size() >= commands.maxInFlight();
            Set<String> unfinished = new HashSet<>();
            List<Command> fresh = new ArrayList<>();
            for (Command command : window) {
                unfinished.add(command.commandId());
                if (!given.contains(command.commandId())) {
                    fresh.add(command);
                }
            }
            given.retainAll(unfinished);
            if (fresh.isEmpty()) {
                return;
            }
            if (link.deliversOnOffer()) {
                taken(fresh).join(); // recorded before the answer leaves, so the answer never overtakes the record
            }
            if (link.offer(fresh, () -> taken(fresh))) {
                fresh.forEach(command -> given.add(command.commandId()));
            }
        }

        /** Marks what the device took as delivered, without waiting for the commit; a failure is logged. */
        private CompletableFuture<Void> taken(List<Command> delivered) {
            CompletableFuture<?>[] marks = delivered.stream().filter(c -> c.status() == Command.Status.QUEUED)
                    .map(commands::delivered).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(marks).exceptionally(failure -> {
                log.warn("event=command_delivered_not_recorded device={} error={}", link.device().id(),
                        failure.toString());
                return null;
            });
        }
    }
}
