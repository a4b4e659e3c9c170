package org.telemetryhub.hub.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.telemetryhub.hub.store.DeviceRef;
import org.telemetryhub.hub.store.ReadingStore;

/**
 * One {@code hub_feed} notification: the sending node and its events. A reading travels as its device and offset
 * only (the receiver reads it from the store, where it is committed), so a notification stays small; rejections and
 * presence changes are not read back cheaply, so they travel whole. Names are one or two letters because PostgreSQL
 * caps a payload at 8000 bytes.
 */
record FeedNotice(String n, List<Entry> e) {

    static final String READING = "r";
    static final String REJECTED = "j";
    static final String PRESENCE = "p";

    /** Bounds a rejection's message, so that any one entry fits a notification. */
    private static final int MESSAGE_CHARS = 1_000;

    /** An event of kind {@code k} for device key {@code d}; fields a kind does not use are absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String k, long d, Long o, Long s, String c, String m, Long at, String st, Long v) {

        static Entry of(FeedEvent event) {
            long device = event.device().key();
            if (event instanceof FeedEvent.ReadingCommitted committed) {
                return new Entry(READING, device, committed.stored().offset(), null, null, null, null, null, null);
            }
            if (event instanceof FeedEvent.Rejected rejected) {
                ReadingStore.Rejection r = rejected.rejection();
                String message = r.message().length() > MESSAGE_CHARS ? r.message().substring(0, MESSAGE_CHARS)
                        : r.message();
                return new Entry(REJECTED, device, null, r.seq(), r.code(), message, r.at(), null, null);
            }
            FeedEvent.PresenceChanged presence = (FeedEvent.PresenceChanged) event;
            return new Entry(PRESENCE, device, null, null, null, null, presence.at(), presence.state(),
                    presence.version());
        }

        /** The event a rejection or presence entry stands for; readings are read from the store instead. */
        FeedEvent event(DeviceRef device) {
            return switch (k) {
                case REJECTED -> new FeedEvent.Rejected(device, new ReadingStore.Rejection(s, c, m, at));
                case PRESENCE -> new FeedEvent.PresenceChanged(device, st, at, v);
                default -> throw new IllegalArgumentException("unknown feed entry kind " + k);
            };
        }

        boolean isReading() {
            return k.equals(READING);
        }
    }
}
