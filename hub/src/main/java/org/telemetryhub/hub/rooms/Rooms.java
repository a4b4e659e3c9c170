package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.ops.HubMetrics;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * The dashboards' side of the hub: opens dashboard sessions, each given the collaborators built here once, and
 * watches every session's outbox (its size is a metric; a session whose outbox stays full is closed). Sessions
 * report back through a {@link DashboardSession.Listener} and never call the rooms, so the dependency runs one way.
 */
public final class Rooms implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    private final ReadingStore store;
    private final Feed feed;
    private final NamespaceSummaries summaries;
    private final DashboardSession.ActiveAlerts alerts;
    private final RoomAccess access;
    private final HubConfig.Dashboards config;
    private final DashboardSession.Limits limits;
    private final HubMetrics metrics;
    private final Clock clock;
    private final ExecutorService executor;
    private final DashboardSession.Listener listener = new SessionEvents();
    private final Set<DashboardSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger outboxHighWater = new AtomicInteger();

    public Rooms(ReadingStore store, DeviceStore devices, Feed feed, NamespaceSummaries summaries,
                 DashboardSession.ActiveAlerts alerts, HubConfig.Dashboards config, HubMetrics metrics, Clock clock) {
        this.store = store;
        this.feed = feed;
        this.summaries = summaries;
        this.alerts = alerts;
        this.access = new RoomAccess(devices);
        this.config = config;
        this.limits = new DashboardSession.Limits(config.snapshotLimit(), config.outboxLimit());
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
        DashboardSession session = new DashboardSession(operator, sink, access, store, feed, summaries, alerts, limits, clock,
                executor, listener);
        sessions.add(session);
        return session;
    }

    /** The rules the sessions follow, for the routes that show a device outside a session. */
    public RoomAccess access() {
        return access;
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

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Keeps the registry of open sessions and the dashboard metrics up to date. */
    private final class SessionEvents implements DashboardSession.Listener {

        @Override
        public void closed(DashboardSession session) {
            sessions.remove(session);
        }

        @Override
        public void failed(DashboardSession session, RuntimeException e) {
            log.error("event=dashboard_failed operator={}", session.operator().username(), e);
            session.abandon("the hub failed to serve this dashboard");
        }

        @Override
        public void outboxSize(int size) {
            outboxHighWater.accumulateAndGet(size, Math::max);
        }

        @Override
        public void lagged() {
            metrics.dashboardLag();
        }
    }
}
