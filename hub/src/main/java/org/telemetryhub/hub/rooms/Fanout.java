package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.List;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.ReadingStore.Write;
import org.telemetryhub.hub.ingest.GroupCommitter;

/** Turns each commit into feed events: the readings it stored, in offset order, and the rejections it recorded. */
public final class Fanout implements GroupCommitter.Listener {

    private final Feed feed;
    private final Clock clock;

    public Fanout(Feed feed, Clock clock) {
        this.feed = feed;
        this.clock = clock;
    }

    @Override
    public void committed(List<Write> writes, List<List<Outcome>> outcomes) {
        long now = clock.millis();
        for (int w = 0; w < writes.size(); w++) {
            Write write = writes.get(w);
            List<Outcome> results = outcomes.get(w);
            for (int r = 0; r < results.size(); r++) {
                Outcome outcome = results.get(r);
                if (outcome instanceof Outcome.Stored stored) {
                    feed.publish(new FeedEvent.ReadingCommitted(write.device(),
                            new ReadingStore.StoredReading(stored.offset(), write.readings().get(r), now)));
                } else if (outcome instanceof Outcome.Conflict) {
                    long seq = write.readings().get(r).seq();
                    feed.publish(new FeedEvent.Rejected(write.device(), new ReadingStore.Rejection(seq,
                            "seq_conflict", ReadingStore.conflictMessage(write.device(), seq), now)));
                }
            }
            for (ReadingStore.Rejection rejection : write.rejections()) {
                feed.publish(new FeedEvent.Rejected(write.device(), rejection));
            }
        }
    }
}
