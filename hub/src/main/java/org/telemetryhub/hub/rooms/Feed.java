package org.telemetryhub.hub.rooms;

import java.util.function.Consumer;

/**
 * Live fan-out of device events: {@link LocalFeed} in one process, {@link PostgresFeed} across the nodes of one
 * PostgreSQL store. A feed may lose or reorder events between nodes, because every consumer treats events as hints
 * and reads what it missed from the store by offset. Listeners run on the publishing thread (for another node's
 * events, the feed's listening thread) and must not block.
 */
public interface Feed {

    /** Stops a listener. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    void publish(FeedEvent event);

    /** Events of one device: its room. */
    Registration listen(long deviceKey, Consumer<FeedEvent> listener);

    /** Events of every device. */
    Registration listenAll(Consumer<FeedEvent> listener);
}
