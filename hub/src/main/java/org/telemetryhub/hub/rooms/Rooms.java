package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.ops.HubMetrics;
import org.telemetryhub.hub.store.DeviceRef;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.hub.store.OperatorStore.Operator;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.protocol.Ids;

/**
 * The dashboards' side of the hub: opens dashboard sessions, decides who may see which device or namespace, and
 * watches every session's outbox (its size is a metric; a session whose outbox stays full is closed).
 */
public final class Rooms implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    /** Either the device the operator may see, or the error to answer. */
    public record Access(DeviceRef device, DashboardMessage.Error refusal) {}

    private final ReadingStore store;
    private final DeviceStore devices;
    private final Feed feed;
    private final NamespaceSummaries summaries;
    private final HubConfig.Dashboards config;
    private final HubMetrics metrics;
    private final Clock clock;
    private final ExecutorService executor;
    private final Set<DashboardSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger outboxHighWater = new AtomicInteger();

    public Rooms(ReadingStore store, DeviceStore devices, Feed feed, NamespaceSummaries summaries,
                 HubConfig.Dashboards config, HubMetrics metrics, Clock clock) {
        this.store = store;
        this.devices = devices;
        this.feed = feed;
        this.summaries = summaries;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                r -> new Thread(r, "rooms"));
        metrics.gauge("hub.dashboards.open", "Open dashboard sessions (WebSocket and SSE)", sessions::size);
        metrics.gauge("hub.dashboard.queue.max", "The fullest dashboard outbox now, in messages",
                () -> sessions.stream().mapToInt(DashboardSession::outstanding).max().orElse(0));
        metrics.gauge("hub.dashboard.queue.highwater", "The fullest any dashboard outbox has been, in messages",
                outboxHighWater::get);
        metrics.gauge("hub.dashboard.queue.limit", "Messages a dashboard outbox may hold", config::outboxLimit);
    }

    public DashboardSession open(Operator operator, DashboardSession.Sink sink) {
        DashboardSession session = new DashboardSession(this, operator, sink);
        sessions.add(session);
        return session;
    }

    /** Who may see a device: a viewer only in its namespaces (and unknown ids are forbidden, not unknown). */
    public Access access(Operator operator, String deviceId) {
        Optional<DeviceRef> device = Ids.isValid(deviceId) ? devices.find(deviceId) : Optional.empty();
        if (!operator.isAdmin() && (device.isEmpty() || !operator.namespaces().contains(device.get().namespace()))) {
            return new Access(null, error("forbidden", "operator " + operator.username()
                    + " may not see device " + Ids.echo(deviceId), deviceId, null));
        }
        if (device.isEmpty()) {
            return new Access(null, error("unknown_device", "device " + Ids.echo(deviceId) + " is not provisioned",
                    deviceId, null));
        }
        return new Access(device.get(), null);
    }

    DashboardMessage.Error namespaceRefusal(Operator operator, String namespace) {
        if (!Ids.isValid(namespace)) {
            return error("bad_message", "namespace must match " + Ids.RULE + ", but was \"" + Ids.echo(namespace)
                    + "\"", null, namespace);
        }
        if (!operator.isAdmin() && !operator.namespaces().contains(namespace)) {
            return error("forbidden", "operator " + operator.username() + " may not see namespace " + namespace,
                    null, namespace);
        }
        return null;
    }

    public static DashboardMessage.Error error(String code, String message, String device, String namespace) {
        return new DashboardMessage.Error("error", code, message, device, namespace);
    }

    static DashboardMessage.Rejection rejection(FeedEvent.Rejected event) {
        ReadingStore.Rejection r = event.rejection();
        return new DashboardMessage.Rejection("rejection", event.device().id(), r.seq(), r.code(), r.message(), r.at());
    }

    static DashboardMessage.Presence presence(FeedEvent.PresenceChanged event) {
        return new DashboardMessage.Presence("presence", event.device().id(), event.state(), event.at(),
                event.version());
    }

    /** Closes sessions whose outbox has been full, with nothing leaving it, for longer than allowed. */
    public void closeHopeless() {
        long now = clock.millis();
        for (DashboardSession session : sessions) {
            if (session.isStuck(now, config.hopelessMs())) {
                log.warn("event=dashboard_too_slow operator={}", session.operator().username());
                session.abandon("dashboard cannot keep up: its outbox stayed full for " + config.hopelessMs() + " ms");
            }
        }
    }

    void closed(DashboardSession session) {
        sessions.remove(session);
    }

    void failed(DashboardSession session, RuntimeException e) {
        log.error("event=dashboard_failed operator={}", session.operator().username(), e);
        session.abandon("the hub failed to serve this dashboard");
    }

    void observeOutbox(int size) {
        outboxHighWater.accumulateAndGet(size, Math::max);
    }

    void lagged() {
        metrics.dashboardLag();
    }

    ReadingStore store() {
        return store;
    }

    Feed feed() {
        return feed;
    }

    NamespaceSummaries summaries() {
        return summaries;
    }

    Clock clock() {
        return clock;
    }

    ExecutorService executor() {
        return executor;
    }

    int outboxLimit() {
        return config.outboxLimit();
    }

    int snapshotLimit() {
        return config.snapshotLimit();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
