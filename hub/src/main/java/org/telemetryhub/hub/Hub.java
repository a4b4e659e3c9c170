package org.telemetryhub.hub;

import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.Alerts;
import org.telemetryhub.hub.alerts.WebhookSender;
import org.telemetryhub.hub.alerts.Webhooks;
import org.telemetryhub.hub.auth.DeviceRegistry;
import org.telemetryhub.hub.auth.LiveSessions;
import org.telemetryhub.hub.auth.OperatorAuth;
import org.telemetryhub.hub.auth.PasswordHasher;
import org.telemetryhub.hub.auth.Secrets;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.Commands;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.commands.DeviceStates;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.CommandStore;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.TicketStore;
import org.telemetryhub.hub.http.AlertRoutes;
import org.telemetryhub.hub.http.ApiDocsRoutes;
import org.telemetryhub.hub.http.AuthRoutes;
import org.telemetryhub.hub.http.CommandRoutes;
import org.telemetryhub.hub.http.DeviceAccess;
import org.telemetryhub.hub.http.DeviceGate;
import org.telemetryhub.hub.http.DeviceRoutes;
import org.telemetryhub.hub.http.ExportRoutes;
import org.telemetryhub.hub.http.HeadDeadline;
import org.telemetryhub.hub.http.HostGuard;
import org.telemetryhub.hub.http.IngestRoutes;
import org.telemetryhub.hub.http.MqttBrokerRoutes;
import org.telemetryhub.hub.http.OperatorGate;
import org.telemetryhub.hub.http.OperatorRoutes;
import org.telemetryhub.hub.http.OpsRoutes;
import org.telemetryhub.hub.http.Origins;
import org.telemetryhub.hub.http.Router;
import org.telemetryhub.hub.http.StateRoutes;
import org.telemetryhub.hub.http.StaticFiles;
import org.telemetryhub.hub.http.StreamRoutes;
import org.telemetryhub.hub.http.TicketRoutes;
import org.telemetryhub.hub.http.WebhookRoutes;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.ingest.FrameParser;
import org.telemetryhub.hub.ingest.GroupCommitter;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.hub.ingest.RateGate;
import org.telemetryhub.hub.ingest.ReadingValidator;
import org.telemetryhub.hub.mqtt.EmbeddedBroker;
import org.telemetryhub.hub.mqtt.ExternalBridge;
import org.telemetryhub.hub.mqtt.HubExtension;
import org.telemetryhub.hub.mqtt.MqttTransport;
import org.telemetryhub.hub.ops.HubMetrics;
import org.telemetryhub.hub.rooms.Fanout;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.rooms.FeedEvent;
import org.telemetryhub.hub.rooms.LocalFeed;
import org.telemetryhub.hub.rooms.NamespaceSummaries;
import org.telemetryhub.hub.rooms.PostgresFeed;
import org.telemetryhub.hub.rooms.PresenceTracker;
import org.telemetryhub.hub.rooms.RetentionJob;
import org.telemetryhub.hub.rooms.Rooms;
import org.telemetryhub.hub.store.AlertStore;
import org.telemetryhub.hub.store.Database;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.hub.store.DiskSpace;
import org.telemetryhub.hub.store.JdbcCommandStore;
import org.telemetryhub.hub.store.JdbcReadingStore;
import org.telemetryhub.hub.store.JdbcStateStore;
import org.telemetryhub.hub.store.JdbcTicketStore;
import org.telemetryhub.hub.store.LoggedReadingStore;
import org.telemetryhub.hub.store.MemoryTicketStore;
import org.telemetryhub.hub.store.OperatorStore;
import org.telemetryhub.hub.store.WebhookStore;
import org.telemetryhub.hub.ws.DashboardEndpoint;
import org.telemetryhub.hub.ws.DeviceEndpoint;

/**
 * The composition root: the only place that wires the hub's parts together, used by {@code main} and by every test.
 * {@link #start} returns a running hub; {@link #close} stops it so that every acked reading is stored and nothing
 * unstored is acked.
 */
public final class Hub implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    /** A WebSocket's read buffer (a reading's frame is about 150 bytes; larger frames are gathered across reads). */
    private static final int INPUT_BUFFER_BYTES = 1_024;
    private static final long SHUTDOWN_IDLE_MS = 100;

    private final HubConfig config;
    private final Database database;
    private final ReadingStore readings;
    private final DeviceStore devices;
    private final Feed feed;
    private final GroupCommitter committer;
    private final DeviceEndpoint deviceEndpoint;
    private final DeviceConnections connections;
    private final Server server;
    private final ServerConnector connector;
    private final ScheduledExecutorService timers;
    private final Rooms rooms;
    private final StreamRoutes streams;
    private final CommandRoutes commandPolls;
    private final MqttTransport mqtt;
    private final OperatorAuth operatorAuth;
    private final ExecutorService commandWork;
    private final Alerts alerts;
    private final WebhookSender webhooks;
    private final Router router;

    private Hub(HubConfig config, Clock clock) throws Exception {
        this.config = config;
        HubMetrics metrics = new HubMetrics();
        database = Database.open(config.store());
        DiskSpace disk = new DiskSpace(config.store().dir(), config.store().minFreeBytes());
        metrics.gauge("hub.store.disk.bytes", "Bytes of the store's files under store.dir", disk::storeBytes);
        metrics.gauge("hub.store.disk.free.bytes", "Bytes free for the store on the disk of store.dir",
                disk::freeBytes);
        metrics.gauge("hub.store.disk.min.free.bytes", "store.minFreeBytes: below it the hub refuses new readings",
                () -> config.store().minFreeBytes());
        Secrets secrets = new Secrets();
        readings = readingStore(config.store(), database, clock, metrics);
        devices = new DeviceStore(database, readings.live());
        OperatorStore operators = new OperatorStore(database);
        // a hub on H2 is its store's only node: its tickets live in memory, so they cost the file nothing
        TicketStore ticketStore = config.store().isH2() ? new MemoryTicketStore(devices)
                : new JdbcTicketStore(database);
        metrics.gauge("hub.store.tickets", "Tickets kept in the store (used and expired ones are purged)",
                ticketStore::count);
        metrics.gauge("hub.store.sessions", "Operator sessions kept in the store (expired ones are purged)",
                operators::sessionCount);

        CommandStore commandStore = new JdbcCommandStore(database);
        AlertStore alertStore = new AlertStore(database);
        feed = feed(config.store(), database, readings, devices, commandStore, alertStore);
        alerts = new Alerts(alertStore, readings, devices, feed, clock, config.alerts().checkpointMs(),
                metrics::alertTransition);
        metrics.gauge("hub.alerts.active", "Alerts open or acknowledged and not cleared yet",
                alertStore::activeCount);
        WebhookStore webhookStore = new WebhookStore(database);
        // retries wait for a receiver to recover, so they run on the wall clock; redirects are not followed, since
        // they could lead past the address check
        webhooks = new WebhookSender(webhookStore, HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(config.alerts().webhookTimeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER).build(), Clock.systemUTC(), config.alerts());
        timers = Executors.newScheduledThreadPool(2, r -> new Thread(r, "hub-timers"));
        PresenceTracker presence = new PresenceTracker(devices, feed, clock, timers);
        connections = new DeviceConnections(config.limits(), presence);
        metrics.gauge("hub.connections.devices", "Open device connections", connections::open);
        for (String transport : DeviceConnections.TRANSPORTS) {
            metrics.gauge("hub.connections.transport", "transport", transport,
                    "Devices' open connections by transport (MQTT ones through the external broker included)",
                    () -> connections.open(transport));
        }
        // an ended session closes its live streams on every node: the feed carries the notice
        LiveSessions liveSessions = new LiveSessions();
        feed.listenSessionEnds(liveSessions::end);
        metrics.gauge("hub.sessions.live.streams", "Dashboard sockets, SSE streams and waiting long-polls of "
                + "operator sessions", liveSessions::size);
        operatorAuth = new OperatorAuth(operators, new PasswordHasher(config.auth().passwordIterations()), secrets,
                clock, config.auth(), config.limits(), feed::publishSessionEnd);
        operatorAuth.ensureAdmin(config.adminPassword(), config.store().dir());
        Tickets tickets = new Tickets(devices, ticketStore, secrets, clock, config.auth(),
                config.limits());
        committer = new GroupCommitter(readings, metrics, config.ingest().commitBatchReadings(),
                new Fanout(feed, clock));
        NamespaceSummaries summaries = new NamespaceSummaries(devices, feed);
        rooms = new Rooms(readings, devices, feed, summaries, alerts::active, config.dashboards(), metrics, clock);
        IngestPipeline pipeline = new IngestPipeline(new FrameParser(config.ingest().maxBatch()),
                new ReadingValidator(config.ingest(), config.namespaces(), clock),
                new RateGate(config.limits(), clock), committer, disk::low, metrics, clock);
        DeviceRegistry registry = new DeviceRegistry(devices, secrets, clock, (deviceKey, reason) -> {
            ticketStore.forget(deviceKey); // before the connections close, so none opens again with an old ticket
            connections.disconnect(deviceKey, reason);
            readings.recheck(deviceKey);
            pipeline.forget(deviceKey);
            summaries.forget(deviceKey);
            alerts.forget(deviceKey);
        });
        Commands commands = new Commands(commandStore, config.commands(), clock, secrets::newId,
                command -> feed.publish(new FeedEvent.CommandChanged(command.device(), command)));
        commandWork = Executors.newFixedThreadPool(4, r -> new Thread(r, "commands"));
        DeviceStates states = new DeviceStates(new JdbcStateStore(database), clock,
                device -> feed.publish(new FeedEvent.DesiredChanged(device)));
        CommandDelivery delivery = new CommandDelivery(commands, states, commandWork);
        feed.listenAll(event -> {
            // a command's delivery does not change what its device may hold: every other change may
            if (event instanceof FeedEvent.CommandChanged changed
                    && changed.command().status() != Command.Status.DELIVERED) {
                delivery.changed(changed.command());
            } else if (event instanceof FeedEvent.DesiredChanged desired) {
                delivery.desiredChanged(desired.device().key());
            }
        });
        ControlFrames control = new ControlFrames(commands, states);
        deviceEndpoint = new DeviceEndpoint(tickets, pipeline, control, delivery, connections,
                config.ingest().maxPendingPerConnection());
        mqtt = mqtt(config, tickets, pipeline, control, delivery, connections, devices);

        server = new Server(threadPool());
        HeadDeadline heads = new HeadDeadline(server.getScheduler(), config.limits().handshakeTimeoutMs());
        connector = connector(server, config, heads);
        server.addConnector(connector);
        server.addBean(new ConnectionLimit(config.limits().connectionsTotal() + 1_000, server));
        Origins origins = new Origins(config.http().publicOrigin(), connector::getLocalPort);
        OperatorGate gate = new OperatorGate(operatorAuth, origins);

        Router router = new Router(config.ingest().maxBodyBytes());
        new AuthRoutes(operatorAuth, gate, config.auth().sessionTtlMs()).register(router);
        DeviceAccess access = new DeviceAccess(rooms.access());
        new DeviceRoutes(registry, gate, access).register(router);
        new OperatorRoutes(operatorAuth, gate).register(router);
        new AlertRoutes(alerts, gate).register(router);
        new WebhookRoutes(new Webhooks(webhookStore, clock, config.alerts().webhooksAllowPrivate()), gate)
                .register(router);
        streams = new StreamRoutes(gate, access, rooms, readings, feed, liveSessions, timers,
                config.dashboards().longPollMaxMs());
        streams.register(router);
        new ExportRoutes(gate, access, readings).register(router);
        new TicketRoutes(tickets, config.limits()).register(router);
        DeviceGate deviceGate = new DeviceGate(tickets);
        new IngestRoutes(deviceGate, pipeline, presence).register(router);
        commandPolls = new CommandRoutes(gate, access, deviceGate, commands, delivery, timers,
                config.dashboards().longPollMaxMs());
        commandPolls.register(router);
        new StateRoutes(gate, access, deviceGate, states).register(router);
        if (config.mqtt().mode().equals(HubConfig.Mqtt.EXTERNAL)) {
            new MqttBrokerRoutes(tickets, devices::find, config.mqtt()).register(router);
        }
        new OpsRoutes(database::isReady, disk::low, mqtt::state, metrics).register(router);
        new ApiDocsRoutes().register(router);
        router.setHandler(dashboard());
        this.router = router;

        DashboardEndpoint dashboardEndpoint = new DashboardEndpoint(gate, rooms, liveSessions,
                config.dashboards().framesPerSecond(), clock);
        WebSocketUpgradeHandler upgrades =
                new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(server));
        upgrades.addMapping(DeviceEndpoint.PATH, deviceEndpoint);
        upgrades.addMapping(DashboardEndpoint.PATH, dashboardEndpoint);
        upgrades.getConfiguration().setMaxTextMessageSize(config.ingest().maxBodyBytes());
        upgrades.getConfiguration().setMaxBinaryMessageSize(config.ingest().maxBodyBytes());
        upgrades.getConfiguration().setInputBufferSize(INPUT_BUFFER_BYTES);
        upgrades.getConfiguration().setIdleTimeout(Duration.ofMillis(config.wsPingIntervalMs() * 3));
        upgrades.setHandler(router);
        heads.setHandler(new HostGuard(origins, config.tls().enabled(), upgrades));
        server.setHandler(heads);
        server.setStopTimeout(2_000);

        long ping = config.wsPingIntervalMs();
        every(Math.max(25, ping / 4), () -> {
            deviceEndpoint.keepAlive(ping);
            dashboardEndpoint.keepAlive(ping);
        });
        every(ping, streams::heartbeat);
        every(1_000, () -> {
            presence.tick();
            summaries.tick();
            rooms.closeHopeless();
        });
        every(250, () -> liveSessions.expire(clock.millis()));
        every(10_000, () -> liveSessions.recheck(operatorAuth::isLive));
        every(1_000, commands::expireDue);
        every(5_000, delivery::tick);
        every(config.retentionCheckMs(), new RetentionJob(config.namespaces(), devices, readings, clock));
        every(1_000, disk::check);
        every(config.store().purgeIntervalMs(), () -> {
            tickets.housekeeping();
            operatorAuth.housekeeping();
        });
    }

    public static Hub start(HubConfig config, Clock clock) throws Exception {
        Hub hub = new Hub(config, clock);
        try {
            hub.readings.start();
            // judges what was committed before a crash and not yet judged, before new readings arrive
            hub.alerts.start();
            hub.webhooks.start();
            hub.committer.start();
            // the broker before HTTP: once /health answers, MQTT devices can connect
            hub.mqtt.start();
            hub.server.start();
        } catch (Exception e) {
            hub.close();
            throw e;
        }
        // the store URL without its settings: a PostgreSQL URL may carry a password in its query
        log.info("event=hub_started url={} mqtt={} store={}", hub.url(), config.mqtt().mode(),
                config.store().url().split("[;?]")[0]);
        return hub;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The base URL operators and devices use, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String host = config.http().host().contains(":") ? "[" + config.http().host() + "]" : config.http().host();
        return (config.tls().enabled() ? "https" : "http") + "://" + host + ":" + port();
    }

    /** The embedded MQTT broker's port, when the hub runs one. */
    public OptionalInt mqttPort() {
        return mqtt.port();
    }

    /** Every {@code METHOD /pattern} the hub's router serves, in the order they were added. */
    public List<Router.Pattern> routes() {
        return router.routes();
    }

    /** The paths the hub upgrades to WebSockets, besides its router's routes. */
    public static List<String> socketPaths() {
        return List.of(DeviceEndpoint.PATH, DashboardEndpoint.PATH);
    }

    public ReadingStore readings() {
        return readings;
    }

    public DeviceStore devices() {
        return devices;
    }

    @Override
    public void close() {
        log.info("event=hub_stopping");
        committer.close();
        alerts.close(); // after the last commit's fan-out: its readings are judged and their checkpoints saved
        webhooks.close(); // what is not delivered yet stays queued in the store
        mqtt.close();
        deviceEndpoint.closeAll();
        streams.closeAll();
        commandPolls.closeAll();
        timers.shutdownNow();
        operatorAuth.close();
        commandWork.shutdownNow();
        rooms.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("event=http_stop_failed error={}", e.toString());
        }
        // after everything that publishes (the last presence changes come as connections close), before the pool
        if (feed instanceof PostgresFeed shared) {
            shared.close();
        }
        readings.close(); // on H2 the tables take the whole log: a clean stop leaves nothing to replay
        database.close();
        log.info("event=hub_stopped");
    }

    /**
     * On H2 (one hub per store) the reading log is the ack point and the tables follow it in batches; on PostgreSQL
     * the database stays the arbiter of seq and offset for every node, and its own WAL is the log.
     */
    private static ReadingStore readingStore(HubConfig.Store config, Database database, Clock clock,
                                             HubMetrics metrics) {
        if (!config.isH2()) {
            return new JdbcReadingStore(database, clock);
        }
        LoggedReadingStore logged = new LoggedReadingStore(database, LoggedReadingStore.Settings.of(config), clock,
                metrics::tableFlush);
        metrics.gauge("hub.store.unflushed", "Acked log entries the tables do not hold yet", logged::unflushed);
        metrics.gauge("hub.store.log.bytes", "Bytes of the reading log on disk", logged::logBytes);
        return logged;
    }

    /**
     * Nodes that share a PostgreSQL store also share their events, so that a dashboard on any node sees live what
     * every node stores; a hub on H2 is alone with its store and keeps the in-process feed.
     */
    private static Feed feed(HubConfig.Store config, Database database, ReadingStore readings, DeviceStore devices,
                             CommandStore commands, AlertStore alerts) throws SQLException {
        return config.url().startsWith("jdbc:postgresql:") ? new PostgresFeed(config.url(), database, readings,
                devices, commands, alerts) : new LocalFeed();
    }

    /** The MQTT side the settings ask for; the broker's own files live under {@code <store.dir>/mqtt}. */
    private static MqttTransport mqtt(HubConfig config, Tickets tickets, IngestPipeline pipeline,
                                      ControlFrames control, CommandDelivery delivery,
                                      DeviceConnections connections, DeviceStore devices) {
        return switch (config.mqtt().mode()) {
            case HubConfig.Mqtt.EMBEDDED -> new EmbeddedBroker(config.store().dir().resolve("mqtt"),
                    config.http().host(), config.mqtt().port(), config.tls(), config.ingest().maxBodyBytes(),
                    config.limits().handshakeTimeoutMs(),
                    new HubExtension(tickets, pipeline, control, delivery, connections,
                            config.ingest().maxBodyBytes()));
            case HubConfig.Mqtt.EXTERNAL -> new ExternalBridge(config.mqtt(), pipeline, control, delivery,
                    devices::find, connections, config.ingest().maxBodyBytes());
            default -> MqttTransport.NONE;
        };
    }

    /** Runs a periodic task; a failure is logged and the task runs again next time. */
    private void every(long periodMs, Runnable task) {
        timers.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("event=periodic_task_failed error={}", e.toString());
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Nothing on the request or WebSocket paths blocks on another request (commits complete futures, dashboards run
     * on the rooms' executor), so a small pool serves thousands of connections; threads cost memory each, and under
     * load a pool of 32 grew to all 32 on two cores (one task dispatched per ready connection) to no gain.
     */
    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        pool.setName("http");
        return pool;
    }

    private static ServerConnector connector(Server server, HubConfig config, HeadDeadline heads) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // a WebSocket keeps its upgrade request's parser, and with it this cache (96 KB): per device socket
        http.setHeaderCacheSize(0);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        ServerConnector connector;
        if (config.tls().enabled()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.tls().keystore().get().toAbsolutePath().toString());
            ssl.setKeyStorePassword(config.tls().keystorePassword());
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    heads.connections(http));
        } else {
            connector = new ServerConnector(server, heads.connections(http));
        }
        connector.setHost(config.http().host());
        connector.setPort(config.http().port());
        // between requests; a request head has a total deadline of the same length (HeadDeadline)
        connector.setIdleTimeout(config.limits().handshakeTimeoutMs());
        connector.setAcceptQueueSize(1024);
        // on a stop, a connection with no request in progress closes after this long, not after Jetty's default
        // second: every stop waited that second for the clients' idle keep-alive connections
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_MS);
        return connector;
    }

    /**
     * The web dashboard at {@code /}, the webjars it and the API docs use (uPlot, Swagger UI) at {@code /webjars/}
     * and the API docs page's own script at {@code /apidocs/}: all come from the classpath, so every asset is built
     * by Maven and served by the hub itself, never by a CDN.
     */
    private static Handler dashboard() {
        return new StaticFiles()
                .add("META-INF/resources/webjars", "/webjars/", "public, max-age=31536000, immutable")
                .add("apidocs", "/apidocs/", "no-cache")
                .add("static", "/", "no-cache");
    }
}
