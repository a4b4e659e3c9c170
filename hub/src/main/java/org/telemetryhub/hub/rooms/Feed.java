package org.telemetryhub.hub.rooms;

import java.util.function.Consumer;
import org.telemetryhub.hub.core.SessionEnd;

/**
 * Live fan-out of device events, and of ended operator sessions: {@link LocalFeed} in one process,
 * {@link PostgresFeed} across the nodes of one PostgreSQL store. A feed may lose or reorder events between nodes,
 * because every consumer treats events as hints and reads what it missed from the store by offset (and a lost
 * session end is made up by a periodic check of live sessions against the store). Listeners run on the publishing
 * thread (for another node's events, the feed's listening thread) and must not block.
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

    /** Tells every node that sessions ended, so that each closes their live streams. */
    void publishSessionEnd(SessionEnd end);

    /** Ended sessions, this node's and the other nodes'. */
    Registration listenSessionEnds(Consumer<SessionEnd> listener);
}
