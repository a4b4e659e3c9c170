package org.telemetryhub.hub.rooms;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.SessionEnd;

/**
 * The in-process feed: listeners per device room, then listeners of everything. Rooms hear an event first, so a
 * presence change that a reading causes (stale to online) reaches them after that reading.
 */
public final class LocalFeed implements Feed {

    private static final Logger log = LoggerFactory.getLogger(LocalFeed.class);

    private final Map<Long, Set<Consumer<FeedEvent>>> rooms = new ConcurrentHashMap<>();
    private final Set<Consumer<FeedEvent>> everything = new CopyOnWriteArraySet<>();
    private final Set<Consumer<SessionEnd>> sessionEnds = new CopyOnWriteArraySet<>();

    @Override
    public void publish(FeedEvent event) {
        Set<Consumer<FeedEvent>> room = rooms.get(event.device().key());
        if (room != null) {
            room.forEach(listener -> deliver(listener, event));
        }
        everything.forEach(listener -> deliver(listener, event));
    }

    @Override
    public Registration listen(long deviceKey, Consumer<FeedEvent> listener) {
        rooms.computeIfAbsent(deviceKey, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> rooms.computeIfPresent(deviceKey, (k, room) -> {
            room.remove(listener);
            return room.isEmpty() ? null : room;
        });
    }

    @Override
    public Registration listenAll(Consumer<FeedEvent> listener) {
        everything.add(listener);
        return () -> everything.remove(listener);
    }

    @Override
    public void publishSessionEnd(SessionEnd end) {
        for (Consumer<SessionEnd> listener : sessionEnds) {
            try {
                listener.accept(end);
            } catch (RuntimeException e) {
                log.error("event=session_end_listener_failed reason={}", end.reason(), e);
            }
        }
    }

    @Override
    public Registration listenSessionEnds(Consumer<SessionEnd> listener) {
        sessionEnds.add(listener);
        return () -> sessionEnds.remove(listener);
    }

    private static void deliver(Consumer<FeedEvent> listener, FeedEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.error("event=feed_listener_failed device={}", event.device().id(), e);
        }
    }
}
