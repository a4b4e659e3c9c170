package org.telemetryhub.hub.rooms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.CommandStore;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.hub.store.AlertStore;
import org.telemetryhub.hub.store.Database;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * The feed of hub nodes that share one PostgreSQL store: every event is delivered in this process as {@link LocalFeed}
 * does, and what this node publishes also goes to the other nodes with {@code NOTIFY}, batched, so that their
 * dashboards see it live and close the streams of sessions that ended. A notification is a hint like any event: one
 * lost while a connection is down only delays a dashboard, which reads what it missed from the store.
 *
 * <p>Notifications on the one channel {@code hub_feed} reach every session of the database, and a store is a schema:
 * stores that share a database (as test classes do) must not hear each other, whose device keys mean other devices.
 * So each notice names its store by a digest of the store's schema, and a node drops the notices of other stores.
 * The listening connection carries that digest in its application name, where an operator can see it.
 */
public final class PostgresFeed implements Feed, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresFeed.class);

    private static final int QUEUE = 65_536;
    private static final long RECONNECT_MS = 1_000;
    /** The one channel of every store's notices; {@link #LISTEN} names it too, as LISTEN takes no parameter. */
    private static final String CHANNEL = "hub_feed";
    private static final String LISTEN = "LISTEN hub_feed";
    private static final String LISTENER = "hub feed ";

    private final LocalFeed local = new LocalFeed();
    private final String node = UUID.randomUUID().toString();
    private final String storeUrl;
    private final String store;
    private final Database database;
    private final ReadingStore readings;
    private final DeviceStore devices;
    private final CommandStore commands;
    private final AlertStore alerts;
    private final BlockingQueue<FeedNotice.Entry> outgoing = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread sender;
    private final Thread listener;
    private volatile boolean closing;
    private Connection listening;

    /** Listens before it returns, so that nothing another node publishes after the hub starts is missed. */
    public PostgresFeed(String storeUrl, Database database, ReadingStore readings, DeviceStore devices,
                        CommandStore commands, AlertStore alerts) throws SQLException {
        this.storeUrl = storeUrl;
        this.database = database;
        this.readings = readings;
        this.devices = devices;
        this.commands = commands;
        this.alerts = alerts;
        this.store = storeTag(database);
        this.listening = listen();
        sender = new Thread(this::sendLoop, "feed-notify");
        listener = new Thread(this::listenLoop, "feed-listen");
        sender.setDaemon(true);
        listener.setDaemon(true);
        sender.start();
        listener.start();
        log.info("event=feed_started kind=postgres store={} node={}", store, node);
    }

    @Override
    public void publish(FeedEvent event) {
        local.publish(event);
        if (!closing && !outgoing.offer(FeedNotice.Entry.of(event))) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void publishSessionEnd(SessionEnd end) {
        local.publishSessionEnd(end);
        if (!closing && !outgoing.offer(FeedNotice.Entry.of(end))) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public Registration listenSessionEnds(Consumer<SessionEnd> listener) {
        return local.listenSessionEnds(listener);
    }

    @Override
    public Registration listen(long deviceKey, Consumer<FeedEvent> listener) {
        return local.listen(deviceKey, listener);
    }

    @Override
    public Registration listenAll(Consumer<FeedEvent> listener) {
        return local.listenAll(listener);
    }

    /** Stops listening, then sends what this node published before it closed. */
    @Override
    public void close() {
        closing = true;
        join(listener);
        join(sender);
    }

    private static void join(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- sending

    private void sendLoop() {
        List<FeedNotice.Entry> batch = new ArrayList<>();
        while (!closing || !outgoing.isEmpty()) {
            try {
                FeedNotice.Entry first = outgoing.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outgoing.drainTo(batch);
                send(batch);
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<FeedNotice.Entry> batch) {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            log.warn("event=feed_notify_dropped events={} reason=queue_full", lost);
        }
        try (Connection connection = database.connection();
             PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : FeedNotice.payloads(store, node, batch)) {
                notify.setString(1, CHANNEL);
                notify.setString(2, payload);
                notify.execute();
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("event=feed_notify_failed events={} error={}", batch.size(), e.toString());
        }
    }

    // --- listening

    /** The name of the store in this schema that its notices carry. */
    public static String tag(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The application name of the connection that listens for the store in this schema. */
    public static String listenerName(String schema) {
        return LISTENER + tag(schema);
    }

    private static String storeTag(Database database) throws SQLException {
        try (Connection connection = database.connection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_schema()")) {
            rs.next();
            return tag(rs.getString(1));
        }
    }

    private Connection listen() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", LISTENER + store);
        Connection connection = DriverManager.getConnection(storeUrl, properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute(LISTEN);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void listenLoop() {
        boolean failing = false;
        while (!closing) {
            try {
                if (listening == null) {
                    listening = listen();
                    log.info("event=feed_listening_again");
                    failing = false;
                }
                PGNotification[] notifications = listening.unwrap(PGConnection.class).getNotifications(500);
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        receive(notification.getParameter());
                    }
                }
            } catch (SQLException e) {
                if (!failing) {
                    log.warn("event=feed_listen_failed retry_ms={} error={}", RECONNECT_MS, e.toString());
                    failing = true;
                }
                closeListening();
                try {
                    Thread.sleep(RECONNECT_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        closeListening();
    }

    private void closeListening() {
        if (listening == null) {
            return;
        }
        try {
            listening.close();
        } catch (SQLException e) {
            log.debug("event=feed_listen_close_failed error={}", e.toString());
        }
        listening = null;
    }

    private void receive(String payload) {
        try {
            FeedNotice notice = FeedNotice.parse(payload);
            if (notice.s().equals(store) && !notice.n().equals(node)) {
                deliver(notice.e());
            }
        } catch (RuntimeException e) {
            log.warn("event=feed_notice_failed error={}", e.toString());
        }
    }

    /**
     * Publishes another node's events here. Readings come from the store, a run of consecutive offsets of one device
     * in one query, and so do commands, as they are now, and alerts, in their latest state; events of devices deleted
     * meanwhile are skipped.
     */
    private void deliver(List<FeedNotice.Entry> entries) {
        Map<Long, Optional<DeviceRef>> refs = new HashMap<>();
        int i = 0;
        while (i < entries.size()) {
            FeedNotice.Entry entry = entries.get(i);
            if (entry.isSessionEnd()) {
                local.publishSessionEnd(entry.sessionEnd());
                i++;
                continue;
            }
            Optional<DeviceRef> device = refs.computeIfAbsent(entry.d(),
                    key -> devices.state(key).map(DeviceState::ref));
            if (entry.isCommand()) {
                device.ifPresent(ref -> commands.find(entry.c()).ifPresent(command ->
                        local.publish(new FeedEvent.CommandChanged(ref, command))));
                i++;
                continue;
            }
            if (entry.isAlert()) {
                device.ifPresent(ref -> alerts.alert(entry.o())
                        .ifPresent(alert -> local.publish(new FeedEvent.AlertChanged(ref, alert))));
                i++;
                continue;
            }
            if (!entry.isReading()) {
                device.ifPresent(ref -> local.publish(entry.event(ref)));
                i++;
                continue;
            }
            int end = i + 1;
            while (end < entries.size() && entries.get(end).isReading() && entries.get(end).d() == entry.d()
                    && entries.get(end).o() == entries.get(end - 1).o() + 1) {
                end++;
            }
            if (device.isPresent()) {
                for (StoredReading stored : readings.after(entry.d(), entry.o() - 1, end - i)) {
                    local.publish(new FeedEvent.ReadingCommitted(device.get(), stored));
                }
            }
            i = end;
        }
    }
}
