package org.telemetryhub.hub.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.telemetryhub.hub.auth.LiveSessions;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.RejectedSeq;
import org.telemetryhub.hub.rooms.DashboardSession;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.rooms.FeedEvent;
import org.telemetryhub.hub.rooms.Rooms;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Reading;

/**
 * Fallbacks and history for operators: the device room as SSE, long-poll by offset, readings by time, time buckets
 * with empty buckets kept (so charts can show gaps), the latest rejections, and the rejected seqs of a seq range. An
 * SSE stream or a waiting long-poll lives as long as its session: when the session ends, the stream gets a
 * {@code session_ended} event and ends, and the long-poll is answered 401 {@code session_ended}.
 */
public final class StreamRoutes {

    private static final int MAX_BUCKETS = 10_000;
    private static final int MAX_LIMIT = 10_000;

    private final OperatorGate gate;
    private final DeviceAccess access;
    private final Rooms rooms;
    private final ReadingStore store;
    private final Feed feed;
    private final LiveSessions live;
    private final ScheduledExecutorService timers;
    private final long longPollMaxMs;
    private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();

    public StreamRoutes(OperatorGate gate, DeviceAccess access, Rooms rooms, ReadingStore store, Feed feed,
                        LiveSessions live, ScheduledExecutorService timers, long longPollMaxMs) {
        this.gate = gate;
        this.access = access;
        this.rooms = rooms;
        this.store = store;
        this.feed = feed;
        this.live = live;
        this.timers = timers;
        this.longPollMaxMs = longPollMaxMs;
    }

    public void register(Router router) {
        router.add("GET", "/api/devices/{id}/stream", this::stream);
        router.add("GET", "/api/devices/{id}/readings", this::readings);
        router.add("GET", "/api/devices/{id}/rejections", this::rejections);
    }

    /** Ends every SSE stream, for shutdown. */
    public void closeAll() {
        streams.forEach(stream -> stream.close("hub shutting down"));
    }

    /** Keeps every SSE stream's connection alive; run on the ping interval. */
    public void heartbeat() {
        streams.forEach(SseStream::heartbeat);
    }

    private void stream(Exchange exchange) {
        OperatorGate.Caller caller = gate.require(exchange);
        Operator operator = caller.operator();
        DeviceRef device = access.visible(exchange, operator);
        String lastEventId = exchange.request().getHeaders().get("Last-Event-ID");
        Long after = Query.optionalOffset(exchange, "after");
        if (lastEventId != null) {
            after = Query.offset("Last-Event-ID", lastEventId);
        }
        if (after == null) {
            after = store.lastOffset(device.key());
        }
        exchange.response().setStatus(200);
        exchange.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        exchange.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        exchange.request().getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(0);
        SseStream stream = new SseStream(exchange.response(), exchange.callback());
        DashboardSession session = rooms.open(operator, stream);
        streams.add(stream);
        LiveSessions.Registration watch = live.open(caller.session(), stream::sessionEnded);
        Runnable ended = () -> {
            streams.remove(stream);
            watch.close();
            session.close();
        };
        stream.onEnd(ended);
        Request.addCompletionListener(exchange.request(), failure -> ended.run());
        session.subscribeDevice(device.id(), after);
    }

    private void readings(Exchange exchange) {
        OperatorGate.Caller caller = gate.require(exchange);
        DeviceRef device = access.visible(exchange, caller.operator());
        int limit = (int) Query.bounded(exchange, "limit", 1_000, 1, MAX_LIMIT);
        Long after = Query.optionalOffset(exchange, "after");
        if (after != null) {
            longPoll(exchange, caller, device, after, limit, Query.bounded(exchange, "waitMs", 0, 0, longPollMaxMs));
            return;
        }
        long from = Query.requiredTime(exchange, "from", ", or after= for a cursor");
        long to = Query.requiredTime(exchange, "to", ", or after= for a cursor");
        if (to <= from) {
            throw ApiError.badMessage("to must be after from, but was " + to + " <= " + from);
        }
        String bucketMs = exchange.query("bucketMs");
        if (bucketMs != null) {
            exchange.json(200, Map.of("buckets", buckets(device, from, to, Query.bounded(exchange, "bucketMs", 0, 1,
                    Long.MAX_VALUE))));
            return;
        }
        exchange.json(200, Map.of("readings", describe(store.between(device.key(), from, to, limit))));
    }

    private void longPoll(Exchange exchange, OperatorGate.Caller caller, DeviceRef device, long after, int limit,
                          long waitMs) {
        AtomicBoolean answered = new AtomicBoolean();
        Feed.Registration[] registration = new Feed.Registration[1];
        LiveSessions.Registration[] watch = new LiveSessions.Registration[1];
        ScheduledFuture<?>[] timeout = new ScheduledFuture<?>[1];
        Consumer<Runnable> once = reply -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (registration[0] != null) {
                registration[0].close();
            }
            if (watch[0] != null) {
                watch[0].close();
            }
            if (timeout[0] != null) {
                timeout[0].cancel(false);
            }
            reply.run();
        };
        Runnable answer = () -> once.accept(() -> {
            try {
                exchange.json(200, Map.of("readings", describe(store.after(device.key(), after, limit))));
            } catch (RuntimeException e) {
                exchange.fail(e);
            }
        });
        registration[0] = feed.listen(device.key(), event -> {
            if (event instanceof FeedEvent.ReadingCommitted committed && committed.stored().offset() > after) {
                timers.execute(answer);
            }
        });
        if (waitMs == 0 || store.lastOffset(device.key()) > after) {
            answer.run();
            return;
        }
        watch[0] = live.open(caller.session(), reason -> once.accept(() -> exchange.error(
                ApiError.sessionEnded(reason))));
        exchange.request().getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(waitMs + 10_000);
        timeout[0] = timers.schedule(answer, waitMs, TimeUnit.MILLISECONDS);
    }

    private void rejections(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        DeviceRef device = access.visible(exchange, operator);
        if (exchange.query("fromSeq") != null || exchange.query("toSeq") != null) {
            rejectedSeqs(exchange, device);
            return;
        }
        List<Map<String, Object>> rejections = new ArrayList<>();
        for (ReadingStore.Rejection rejection : store.rejections(device.key(), 100)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("seq", rejection.seq());
            entry.put("error", rejection.code());
            entry.put("message", rejection.message());
            entry.put("at", rejection.at());
            rejections.add(entry);
        }
        exchange.json(200, Map.of("rejections", rejections));
    }

    /**
     * The seqs in {@code [fromSeq, toSeq]} refused for their content and never stored, in seq order, with the code
     * each was first refused with; {@code next} is where the following page starts, or null after the last.
     */
    private void rejectedSeqs(Exchange exchange, DeviceRef device) {
        long from = Query.bounded(exchange, "fromSeq", Ids.MIN_SEQ, Ids.MIN_SEQ, Ids.MAX_SEQ);
        long to = Query.bounded(exchange, "toSeq", Ids.MAX_SEQ, Ids.MIN_SEQ, Ids.MAX_SEQ);
        if (to < from) {
            throw ApiError.badMessage("toSeq must be at least fromSeq, but was " + to + " < " + from);
        }
        int limit = (int) Query.bounded(exchange, "limit", 1_000, 1, MAX_LIMIT);
        List<RejectedSeq> page = store.rejectedSeqs(device.key(), from, to, limit + 1);
        List<Map<String, Object>> seqs = new ArrayList<>(Math.min(page.size(), limit));
        for (RejectedSeq rejected : page.subList(0, Math.min(page.size(), limit))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("seq", rejected.seq());
            entry.put("error", rejected.code());
            seqs.add(entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rejectedSeqs", seqs);
        answer.put("next", page.size() > limit ? page.get(limit).seq() : null);
        exchange.json(200, answer);
    }

    private List<Map<String, Object>> buckets(DeviceRef device, long from, long to, long bucketMs) {
        long first = Math.floorDiv(from, bucketMs) * bucketMs;
        long count = (to - first + bucketMs - 1) / bucketMs;
        if (count > MAX_BUCKETS) {
            throw ApiError.badMessage("from, to and bucketMs must make at most " + MAX_BUCKETS + " buckets, but made "
                    + count);
        }
        List<Map<String, Aggregate>> byBucket = new ArrayList<>();
        long[] counts = new long[(int) count];
        for (int i = 0; i < count; i++) {
            byBucket.add(new TreeMap<>());
        }
        store.scan(device.key(), from, to, stored -> {
            Reading reading = stored.reading();
            int index = (int) ((reading.ts() - first) / bucketMs);
            counts[index]++;
            reading.metrics().forEach((name, value) ->
                    byBucket.get(index).computeIfAbsent(name, n -> new Aggregate()).add(value));
        });
        List<Map<String, Object>> buckets = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            Map<String, Object> metrics = new TreeMap<>();
            byBucket.get(i).forEach((name, aggregate) -> metrics.put(name, aggregate.describe()));
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("start", first + i * bucketMs);
            bucket.put("count", counts[i]);
            bucket.put("metrics", metrics);
            buckets.add(bucket);
        }
        return buckets;
    }

    /**
     * A bucket's min, max and mean of one metric. Two readings at {@code Double.MAX_VALUE} make the sum infinite, so
     * a running mean is kept beside it for that case: each step moves it by a difference of two values divided by
     * the count, which stays finite, and it is held between min and max against rounding.
     */
    private static final class Aggregate {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        double mean;
        long count;

        void add(double value) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            count++;
            mean += value / count - mean / count;
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("min", min);
            out.put("max", max);
            out.put("avg", Double.isFinite(sum) ? sum / count : Math.max(min, Math.min(max, mean)));
            return out;
        }
    }

    static List<Map<String, Object>> describe(List<ReadingStore.StoredReading> readings) {
        List<Map<String, Object>> out = new ArrayList<>(readings.size());
        for (ReadingStore.StoredReading stored : readings) {
            out.add(describe(stored));
        }
        return out;
    }

    /** A stored reading as history, long-poll and the NDJSON export show it: offset, seq, ts, metrics. */
    static Map<String, Object> describe(ReadingStore.StoredReading stored) {
        Reading reading = stored.reading();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("offset", stored.offset());
        entry.put("seq", reading.seq());
        entry.put("ts", reading.ts());
        entry.put("metrics", reading.metrics());
        return entry;
    }
}
