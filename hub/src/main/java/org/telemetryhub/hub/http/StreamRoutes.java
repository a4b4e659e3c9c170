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
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.rooms.DashboardSession;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.rooms.FeedEvent;
import org.telemetryhub.hub.rooms.RoomAccess;
import org.telemetryhub.hub.rooms.Rooms;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Reading;

/**
 * Fallbacks and history for operators: the device room as SSE, long-poll by offset, readings by time, time buckets
 * with empty buckets kept (so charts can show gaps), and the latest rejections.
 */
public final class StreamRoutes {

    private static final int MAX_BUCKETS = 10_000;
    private static final int MAX_LIMIT = 10_000;

    private final OperatorGate gate;
    private final Rooms rooms;
    private final ReadingStore store;
    private final Feed feed;
    private final ScheduledExecutorService timers;
    private final long longPollMaxMs;
    private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();

    public StreamRoutes(OperatorGate gate, Rooms rooms, ReadingStore store, Feed feed,
                        ScheduledExecutorService timers, long longPollMaxMs) {
        this.gate = gate;
        this.rooms = rooms;
        this.store = store;
        this.feed = feed;
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
        Operator operator = gate.require(exchange).operator();
        DeviceRef device = device(exchange, operator);
        String lastEventId = exchange.request().getHeaders().get("Last-Event-ID");
        Long after = optionalOffset(exchange, "after");
        if (lastEventId != null) {
            after = offset("Last-Event-ID", lastEventId);
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
        stream.onEnd(() -> {
            streams.remove(stream);
            session.close();
        });
        Request.addCompletionListener(exchange.request(), failure -> {
            streams.remove(stream);
            session.close();
        });
        session.subscribeDevice(device.id(), after);
    }

    private void readings(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        DeviceRef device = device(exchange, operator);
        int limit = (int) Fields.query(exchange, "limit", 1_000, 1, MAX_LIMIT);
        Long after = optionalOffset(exchange, "after");
        if (after != null) {
            longPoll(exchange, device, after, limit, Fields.query(exchange, "waitMs", 0, 0, longPollMaxMs));
            return;
        }
        long from = required(exchange, "from");
        long to = required(exchange, "to");
        if (to <= from) {
            throw ApiError.badMessage("to must be after from, but was " + to + " <= " + from);
        }
        String bucketMs = exchange.query("bucketMs");
        if (bucketMs != null) {
            exchange.json(200, Map.of("buckets", buckets(device, from, to, Fields.query(exchange, "bucketMs", 0, 1,
                    Long.MAX_VALUE))));
            return;
        }
        exchange.json(200, Map.of("readings", describe(store.between(device.key(), from, to, limit))));
    }

    private void longPoll(Exchange exchange, DeviceRef device, long after, int limit, long waitMs) {
        AtomicBoolean answered = new AtomicBoolean();
        Feed.Registration[] registration = new Feed.Registration[1];
        ScheduledFuture<?>[] timeout = new ScheduledFuture<?>[1];
        Runnable answer = () -> {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (registration[0] != null) {
                registration[0].close();
            }
            if (timeout[0] != null) {
                timeout[0].cancel(false);
            }
            try {
                exchange.json(200, Map.of("readings", describe(store.after(device.key(), after, limit))));
            } catch (RuntimeException e) {
                exchange.fail(e);
            }
        };
        registration[0] = feed.listen(device.key(), event -> {
            if (event instanceof FeedEvent.ReadingCommitted committed && committed.stored().offset() > after) {
                timers.execute(answer);
            }
        });
        if (waitMs == 0 || store.lastOffset(device.key()) > after) {
            answer.run();
            return;
        }
        exchange.request().getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(waitMs + 10_000);
        timeout[0] = timers.schedule(answer, waitMs, TimeUnit.MILLISECONDS);
    }

    private void rejections(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        DeviceRef device = device(exchange, operator);
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
        store.scan(device.key(), from, to, reading -> {
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

    private static final class Aggregate {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        long count;

        void add(double value) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            count++;
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("min", min);
            out.put("max", max);
            out.put("avg", sum / count);
            return out;
        }
    }

    static List<Map<String, Object>> describe(List<ReadingStore.StoredReading> readings) {
        List<Map<String, Object>> out = new ArrayList<>(readings.size());
        for (ReadingStore.StoredReading stored : readings) {
            Reading reading = stored.reading();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("offset", stored.offset());
            entry.put("seq", reading.seq());
            entry.put("ts", reading.ts());
            entry.put("metrics", reading.metrics());
            out.add(entry);
        }
        return out;
    }

    private DeviceRef device(Exchange exchange, Operator operator) {
        RoomAccess.Verdict verdict = rooms.access().device(operator, exchange.path("id"));
        if (verdict.refusal() == null) {
            return verdict.device();
        }
        boolean forbidden = verdict.refusal().error().equals("forbidden");
        throw new ApiError(forbidden ? 403 : 404, forbidden ? ErrorCode.FORBIDDEN : ErrorCode.UNKNOWN_DEVICE,
                verdict.refusal().message());
    }

    private static Long optionalOffset(Exchange exchange, String name) {
        String raw = exchange.query(name);
        return raw == null ? null : offset(name, raw);
    }

    private static long offset(String name, String raw) {
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw ApiError.badMessage(name + " must be an offset (an integer >= 0), but was \""
                + org.telemetryhub.protocol.Ids.echo(raw) + "\"");
    }

    private static long required(Exchange exchange, String name) {
        String raw = exchange.query(name);
        if (raw == null) {
            throw ApiError.badMessage(name + " is required (epoch ms), or after= for a cursor");
        }
        return Fields.integer(name, raw, Long.MIN_VALUE, Long.MAX_VALUE);
    }
}
