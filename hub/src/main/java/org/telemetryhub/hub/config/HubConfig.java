package org.telemetryhub.hub.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.telemetryhub.protocol.Ids;

/** Every setting of the hub, read and checked once at start; each component receives only its own slice. */
public record HubConfig(
        Http http,
        Tls tls,
        Store store,
        Optional<String> adminPassword,
        Mqtt mqtt,
        Ingest ingest,
        Limits limits,
        Auth auth,
        long wsPingIntervalMs,
        Dashboards dashboards,
        Commands commands,
        long retentionCheckMs,
        Map<String, NamespaceRules> namespaces,
        Alerts alerts) {

    public record Http(String host, int port, Optional<URI> publicOrigin) {}

    public record Tls(Optional<Path> keystore, String keystorePassword, boolean allowPlaintext) {
        public boolean enabled() {
            return keystore.isPresent();
        }
    }

    /**
     * Where the hub keeps its data. On H2 the reading log under {@code dir} is the ack point ({@code sync}: write,
     * fsync or none) and the tables follow it every {@code flushIntervalMs} or {@code flushReadings} entries. With
     * fewer than {@code minFreeBytes} free on the disk of {@code dir} the hub takes no new readings; used and expired
     * tickets and expired sessions are purged every {@code purgeIntervalMs}.
     */
    public record Store(Path dir, String url, int poolSize, String sync, long flushIntervalMs, int flushReadings,
                        long minFreeBytes, long purgeIntervalMs) {
        public static final String SYNC_WRITE = "write";
        public static final String SYNC_FSYNC = "fsync";
        public static final String SYNC_NONE = "none";

        public boolean isH2() {
            return url.startsWith("jdbc:h2:");
        }
    }

    /**
     * MQTT: {@code embedded} runs a broker inside the hub on {@code http.host:port}; {@code external} bridges a broker
     * at {@code brokerUrl}, logging in as {@code brokerUsername} with {@code brokerSecret} (which that broker also
     * presents to the hub's auth and ACL routes) under the client id {@code hub-<nodeId>}; {@code off} has no MQTT.
     */
    public record Mqtt(String mode, int port, Optional<URI> brokerUrl, String brokerUsername,
                       Optional<String> brokerSecret, String nodeId) {
        public static final String EMBEDDED = "embedded";
        public static final String EXTERNAL = "external";
        public static final String OFF = "off";
    }

    public record Ingest(long maxFutureMs, long maxAgeMs, int maxBatch, int maxMetrics, int maxBodyBytes,
                         int commitBatchReadings, int maxPendingPerConnection) {}

    /**
     * Caps that keep one client from spending what others need: a device's reading rate and its tickets, connections
     * per device, per address and in total, upgrades in progress per address, and failed attempts per address and
     * per (address, id); and how long a login waits after its username's first failure (doubling with each
     * further failure, up to 2 s).
     */
    public record Limits(int deviceReadingsPerSecond, int deviceBurst, int connectionsPerAddress,
                         int connectionsTotal, long handshakeTimeoutMs, int authFailuresPerAddress,
                         int authFailuresPerId, int connectionsPerDevice, int pendingUpgradesPerAddress,
                         int deviceTicketBurst, int deviceTicketsPerSecond, long loginDelayMs) {}

    public record Auth(long ticketTtlMs, long sessionTtlMs, int passwordIterations) {}

    public record Dashboards(int snapshotLimit, int outboxLimit, long hopelessMs, int framesPerSecond,
                             long longPollMaxMs) {}

    /** Per device: unfinished commands at most ({@code maxQueued}), delivered and unanswered at most at once. */
    public record Commands(int maxQueued, int maxInFlight) {}

    /**
     * A namespace's rules: ranges its readings must fall in, by metric name (absent metrics are not checked), and how
     * long its readings are kept (empty: for ever).
     */
    public record NamespaceRules(Map<String, Range> ranges, Optional<Long> retentionMs) {}

    public record Range(double min, double max) {}

    /**
     * Alerts: how often each device's judged offset is saved (a restart replays the readings after it); whether
     * webhooks may call loopback, private and link-local addresses, the wait before their first retry (doubling
     * after each), and how long one attempt may take.
     */
    public record Alerts(long checkpointMs, boolean webhooksAllowPrivate, long webhookBackoffMs,
                         long webhookTimeoutMs) {}

    public static HubConfig from(Settings s) {
        Http http = new Http(
                s.text("http.host", "127.0.0.1"),
                s.smallInteger("http.port", 8080, 0, 65535),
                s.text("http.publicOrigin").map(v -> origin(s, v)));
        Tls tls = new Tls(
                s.text("tls.keystore").map(Path::of),
                s.text("tls.keystorePassword", ""),
                s.bool("tls.allowPlaintext", false));
        Path dir = Path.of(s.text("store.dir", "./data"));
        Store store = new Store(
                dir,
                s.text("store.url", "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("hub")
                        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=1024;COMPRESS=TRUE;QUERY_CACHE_SIZE=64"),
                s.smallInteger("store.poolSize", 8, 2, 200),
                s.choice("store.sync", Store.SYNC_WRITE, Set.of(Store.SYNC_WRITE, Store.SYNC_FSYNC, Store.SYNC_NONE)),
                s.integer("store.flushIntervalMs", 30_000, 10, 3_600_000),
                s.smallInteger("store.flushReadings", 50_000, 100, 1_000_000),
                s.integer("store.minFreeBytes", 512L * 1024 * 1024, 0, 1L << 62),
                s.integer("store.purgeIntervalMs", 60_000, 100, 3_600_000));
        Mqtt mqtt = mqtt(s);
        Ingest ingest = new Ingest(
                s.integer("ingest.maxFutureMs", 300_000, 0, 365L * 86_400_000),
                s.integer("ingest.maxAgeMs", 30L * 86_400_000, 1, 100L * 365 * 86_400_000),
                s.smallInteger("ingest.maxBatch", 500, 1, 10_000),
                s.smallInteger("ingest.maxMetrics", 32, 1, 1_000),
                s.smallInteger("ingest.maxBodyBytes", 256 * 1024, 1024, 16 * 1024 * 1024),
                s.smallInteger("ingest.commitBatchReadings", 4_000, 1, 100_000),
                s.smallInteger("ingest.maxPendingPerConnection", 16, 1, 10_000));
        Limits limits = new Limits(
                s.smallInteger("limits.deviceReadingsPerSecond", 100, 1, 10_000_000),
                s.smallInteger("limits.deviceBurst", 1_000, 1, 10_000_000),
                s.smallInteger("limits.connectionsPerAddress", 1_000, 1, 1_000_000),
                s.smallInteger("limits.connectionsTotal", 10_000, 1, 1_000_000),
                s.integer("limits.handshakeTimeoutMs", 5_000, 100, 600_000),
                s.smallInteger("limits.authFailuresPerAddress", 10, 1, 1_000_000),
                s.smallInteger("limits.authFailuresPerId", 5, 1, 1_000_000),
                s.smallInteger("limits.connectionsPerDevice", 4, 1, 1_000),
                s.smallInteger("limits.pendingUpgradesPerAddress", 64, 1, 1_000_000),
                s.smallInteger("limits.deviceTicketBurst", 20, 1, 10_000_000),
                s.smallInteger("limits.deviceTicketsPerSecond", 1, 1, 10_000_000),
                s.integer("limits.loginDelayMs", 250, 1, 2_000));
        Auth auth = new Auth(
                s.integer("tickets.ttlMs", 60_000, 1_000, 60_000),
                s.integer("sessions.ttlMs", 12 * 3_600_000L, 60_000, 30L * 86_400_000),
                s.smallInteger("admin.passwordIterations", 210_000, 1_000, 10_000_000));
        Dashboards dashboards = new Dashboards(
                s.smallInteger("dashboard.snapshotLimit", 1_000, 1, 100_000),
                s.smallInteger("dashboard.outboxLimit", 1_000, 16, 1_000_000),
                s.integer("dashboard.hopelessMs", 30_000, 100, 3_600_000),
                s.smallInteger("dashboard.framesPerSecond", 20, 1, 10_000),
                s.integer("dashboard.longPollMaxMs", 60_000, 0, 600_000));
        Commands commands = new Commands(
                s.smallInteger("commands.maxQueued", 1_000, 1, 1_000_000),
                s.smallInteger("commands.maxInFlight", 8, 1, 10_000));
        HubConfig config = new HubConfig(http, tls, store, s.text("admin.password"), mqtt, ingest, limits, auth,
                s.integer("ws.pingIntervalMs", 15_000, 100, 3_600_000), dashboards, commands,
                s.integer("retention.checkIntervalMs", 60_000, 100, 86_400_000), namespaces(s),
                new Alerts(s.integer("alerts.checkpointMs", 5_000, 100, 3_600_000),
                        s.bool("alerts.webhooks.allowPrivate", false),
                        s.integer("alerts.webhooks.backoffMs", 1_000, 1, 3_600_000),
                        s.integer("alerts.webhooks.timeoutMs", 10_000, 100, 120_000)));
        config.checkPlaintextBinding(s);
        if (limits.deviceBurst() < ingest.maxBatch()) {
            throw s.invalid("limits.deviceBurst", "must hold a full batch (ingest.maxBatch = " + ingest.maxBatch()
                    + ")", String.valueOf(limits.deviceBurst()));
        }
        s.rejectUnknownKeys();
        return config;
    }

    private static Map<String, NamespaceRules> namespaces(Settings s) {
        Map<String, Map<String, Range>> ranges = new TreeMap<>();
        Map<String, Long> retention = new TreeMap<>();
        for (String key : s.keysUnder("namespaces")) {
            String[] parts = key.split("\\.");
            if (parts.length == 3 && parts[2].equals("retentionMs")) {
                retention.put(parts[1], s.integer(key, 0, 1_000, Long.MAX_VALUE));
                continue;
            }
            if (parts.length != 5 || !parts[2].equals("ranges") || !(parts[4].equals("min") || parts[4].equals("max"))) {
                throw new ConfigException("unknown setting " + key + " (namespace rules are "
                        + "namespaces.<namespace>.ranges.<metric>.min|max and namespaces.<namespace>.retentionMs)");
            }
            String metricKey = "namespaces." + parts[1] + ".ranges." + parts[3];
            ranges.computeIfAbsent(parts[1], n -> new TreeMap<>()).computeIfAbsent(parts[3], m -> {
                double min = s.number(metricKey + ".min");
                double max = s.number(metricKey + ".max");
                if (min > max) {
                    throw s.invalid(metricKey + ".min", "must not exceed " + metricKey + ".max (" + max + ")",
                            String.valueOf(min));
                }
                return new Range(min, max);
            });
        }
        Map<String, NamespaceRules> rules = new TreeMap<>();
        java.util.Set<String> named = new java.util.TreeSet<>(ranges.keySet());
        named.addAll(retention.keySet());
        for (String namespace : named) {
            rules.put(namespace, new NamespaceRules(Map.copyOf(ranges.getOrDefault(namespace, Map.of())),
                    Optional.ofNullable(retention.get(namespace))));
        }
        return Map.copyOf(rules);
    }

    private static Mqtt mqtt(Settings s) {
        Mqtt mqtt = new Mqtt(
                s.choice("mqtt.mode", Mqtt.EMBEDDED, Set.of(Mqtt.EMBEDDED, Mqtt.EXTERNAL, Mqtt.OFF)),
                s.smallInteger("mqtt.port", 1883, 0, 65535),
                s.text("mqtt.brokerUrl").map(v -> brokerUrl(s, v)),
                s.text("mqtt.brokerUsername", "hub"),
                s.text("mqtt.brokerSecret"),
                s.text("mqtt.nodeId", "1"));
        if (mqtt.brokerUsername().isBlank()) {
            throw s.invalid("mqtt.brokerUsername", "must not be blank", mqtt.brokerUsername());
        }
        if (mqtt.brokerSecret().isPresent() && mqtt.brokerSecret().get().length() < 16) {
            // the value is a secret: only its length is shown
            throw new ConfigException("mqtt.brokerSecret must be at least 16 characters long, but was "
                    + mqtt.brokerSecret().get().length());
        }
        if (!Ids.isValid(mqtt.nodeId())) {
            throw s.invalid("mqtt.nodeId", "must match " + Ids.RULE, mqtt.nodeId());
        }
        if (mqtt.mode().equals(Mqtt.EXTERNAL)) {
            if (mqtt.brokerUrl().isEmpty()) {
                throw new ConfigException("mqtt.brokerUrl must be set when mqtt.mode is external, but was missing");
            }
            if (mqtt.brokerSecret().isEmpty()) {
                throw new ConfigException("mqtt.brokerSecret must be set when mqtt.mode is external, but was missing");
            }
        }
        return mqtt;
    }

    private static URI brokerUrl(Settings s, String value) {
        try {
            URI uri = new URI(value.trim());
            if ((uri.getScheme().equals("mqtt") || uri.getScheme().equals("mqtts")) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null
                    && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (Exception ignored) {
            // reported below with the rule
        }
        throw s.invalid("mqtt.brokerUrl", "must be a URL such as mqtt://broker.example.com:1883 or "
                + "mqtts://broker.example.com:8883", value);
    }

    private static URI origin(Settings s, String value) {
        try {
            URI uri = new URI(value.trim());
            if ((uri.getScheme().equals("http") || uri.getScheme().equals("https")) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())) {
                return uri;
            }
        } catch (Exception ignored) {
            // reported below with the rule
        }
        throw s.invalid("http.publicOrigin", "must be an origin such as https://hub.example.com", value);
    }

    private void checkPlaintextBinding(Settings s) {
        if (tls.enabled() || tls.allowPlaintext() || isLoopback(http.host())) {
            return;
        }
        throw s.invalid("http.host", "must be a loopback address unless tls.keystore is set or "
                + "tls.allowPlaintext is true", http.host());
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
