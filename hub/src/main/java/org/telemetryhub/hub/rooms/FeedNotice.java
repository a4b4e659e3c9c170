package org.telemetryhub.hub.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.SessionEnd;

/**
 * One feed notification: the store it belongs to, the sending node and its events. A reading travels as its device and offset only, a command
 * change as its device and command id, an alert as its id (the receiver reads them from the store, where they are
 * committed, an alert in its latest state), so a notification stays small; rejections and presence changes are not
 * read back cheaply, so they travel whole. Names are one or two letters because PostgreSQL caps a payload at 8000
 * bytes.
 */
record FeedNotice(String s, String n, List<Entry> e) {

    private static final String READING = "r";
    private static final String REJECTED = "j";
    private static final String PRESENCE = "p";
    private static final String SESSION_END = "e";
    private static final String COMMAND = "c";
    private static final String DESIRED = "s";
    private static final String ALERT = "a";

    /** Bounds a rejection's message, so that any one entry fits a notification. */
    private static final int MESSAGE_CHARS = 1_000;
    /** PostgreSQL refuses payloads of 8000 bytes or more; the margin covers the notice's own fields. */
    private static final int PAYLOAD_BYTES = 7_900;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Entries as notices of fewer than 8000 bytes each, in order. */
    static List<String> payloads(String store, String node, List<Entry> entries) {
        List<String> payloads = new ArrayList<>();
        List<Entry> notice = new ArrayList<>();
        int bytes = 0;
        for (Entry entry : entries) {
            int size = json(entry).getBytes(StandardCharsets.UTF_8).length + 1;
            if (!notice.isEmpty() && bytes + size > PAYLOAD_BYTES) {
                payloads.add(json(new FeedNotice(store, node, notice)));
                notice = new ArrayList<>();
                bytes = 0;
            }
            notice.add(entry);
            bytes += size;
        }
        if (!notice.isEmpty()) {
            payloads.add(json(new FeedNotice(store, node, notice)));
        }
        return payloads;
    }

    static FeedNotice parse(String payload) {
        try {
            return JSON.readValue(payload, FeedNotice.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a feed notice: " + e.getOriginalMessage(), e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a feed notice", e);
        }
    }

    /**
     * An event of kind {@code k} for device key {@code d}, or an ended session (its token's hash {@code t} or its
     * operator {@code u}, and the reason in {@code c}); {@code c} is also a rejection's code or a command's id.
     * Fields a kind does not use are absent.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String k, long d, Long o, Long s, String c, String m, Long at, String st, Long v, String t,
                 String u) {

        static Entry of(SessionEnd end) {
            return new Entry(SESSION_END, 0, null, null, end.reason().name(), null, null, null, null,
                    end.tokenHash(), end.username());
        }

        boolean isSessionEnd() {
            return k.equals(SESSION_END);
        }

        SessionEnd sessionEnd() {
            return new SessionEnd(t, u, SessionEnd.Reason.valueOf(c));
        }

        static Entry of(FeedEvent event) {
            long device = event.device().key();
            if (event instanceof FeedEvent.ReadingCommitted committed) {
                return new Entry(READING, device, committed.stored().offset(), null, null, null, null, null, null,
                        null, null);
            }
            if (event instanceof FeedEvent.Rejected rejected) {
                ReadingStore.Rejection r = rejected.rejection();
                String message = r.message().length() > MESSAGE_CHARS ? r.message().substring(0, MESSAGE_CHARS)
                        : r.message();
                return new Entry(REJECTED, device, null, r.seq(), r.code(), message, r.at(), null, null, null, null);
            }
            if (event instanceof FeedEvent.CommandChanged changed) {
                return new Entry(COMMAND, device, null, null, changed.command().commandId(), null, null, null, null,
                        null, null);
            }
            if (event instanceof FeedEvent.DesiredChanged) {
                return new Entry(DESIRED, device, null, null, null, null, null, null, null, null, null);
            }
            if (event instanceof FeedEvent.AlertChanged alert) {
                return new Entry(ALERT, device, alert.alert().alertId(), null, null, null, null, null, null, null, null);
            }
            FeedEvent.PresenceChanged presence = (FeedEvent.PresenceChanged) event;
            return new Entry(PRESENCE, device, null, null, null, null, presence.at(), presence.state(),
                    presence.version(), null, null);
        }

        /**
         * The event a rejection, presence or desired entry stands for; readings, commands and alerts are read from the
         * store.
         */
        FeedEvent event(DeviceRef device) {
            return switch (k) {
                case REJECTED -> new FeedEvent.Rejected(device, new ReadingStore.Rejection(s, c, m, at));
                case PRESENCE -> new FeedEvent.PresenceChanged(device, st, at, v);
                case DESIRED -> new FeedEvent.DesiredChanged(device);
                default -> throw new IllegalArgumentException("unknown feed entry kind " + k);
            };
        }

        boolean isReading() {
            return k.equals(READING);
        }

        boolean isCommand() {
            return k.equals(COMMAND);
        }

        /** For an alert entry, {@code o} is the alert's id. */
        boolean isAlert() {
            return k.equals(ALERT);
        }
    }
}
