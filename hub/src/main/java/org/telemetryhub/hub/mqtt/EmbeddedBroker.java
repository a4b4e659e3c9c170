package org.telemetryhub.hub.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.services.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;

/**
 * HiveMQ CE inside the hub, started and stopped with it, with the hub's extension as its only extension. Its
 * files live under {@code <store.dir>/mqtt}. It refuses to run without the hub's authenticator in place: an
 * embedded HiveMQ with no authenticator lets anyone in.
 */
public final class EmbeddedBroker implements MqttTransport {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final long START_TIMEOUT_S = 60;
    private static final long STOP_TIMEOUT_S = 30;

    private final Path folder;
    private final String host;
    private final int configuredPort;
    private final HubConfig.Tls tls;
    private final int maxPayloadBytes;
    private final long connectTimeoutMs;
    private final BrokerExtension extension;
    private EmbeddedHiveMQ broker;
    private volatile int port = -1;

    public EmbeddedBroker(Path folder, String host, int port, HubConfig.Tls tls, int maxPayloadBytes,
                          long connectTimeoutMs, BrokerExtension extension) {
        this.folder = folder;
        this.host = host;
        this.configuredPort = port;
        this.tls = tls;
        this.maxPayloadBytes = maxPayloadBytes;
        this.connectTimeoutMs = connectTimeoutMs;
        this.extension = extension;
    }

    @Override
    public synchronized void start() throws Exception {
        long started = System.nanoTime();
        Path conf = folder.resolve("conf");
        Path extensions = folder.resolve("extensions");
        BrokerConfigFile.write(conf, host, configuredPort, tls, maxPayloadBytes, connectTimeoutMs);
        Files.createDirectories(extensions);
        if (System.getProperty("jna.tmpdir") == null) {
            // the broker's system probes unpack a native library; keep it out of the user's home
            System.setProperty("jna.tmpdir", Files.createDirectories(folder.resolve("jna")).toString());
        }
        broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(folder.resolve("data"))
                .withExtensionsFolder(extensions)
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("telemetry-hub")
                        .withName("Telemetry hub")
                        .withVersion("1")
                        .withPriority(Integer.MAX_VALUE)
                        .withStartPriority(Integer.MAX_VALUE)
                        .withExtensionMain(extension)
                        .build())
                .withoutLoggingBootstrap()
                .build();
        try {
            broker.start().get(START_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw new IllegalStateException("the embedded MQTT broker could not start on " + host + ":" + configuredPort
                    + " (mqtt.port; is it in use? the broker's log says why)", e.getCause());
        }
        if (!extension.installed()) {
            close();
            throw new IllegalStateException("the embedded MQTT broker started without the hub's authenticator, "
                    + "so it would let anyone in; the hub does not start (see the log for the extension's error)");
        }
        port = listenerPort(Services.adminService().getServerInformation().getListener());
        log.info("event=mqtt_started mode=embedded host={} port={} tls={} ms={}", host, port, tls.enabled(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public String state() {
        return port > 0 && extension.installed() ? UP : DOWN;
    }

    @Override
    public OptionalInt port() {
        return port > 0 ? OptionalInt.of(port) : OptionalInt.empty();
    }

    @Override
    public synchronized void close() {
        if (broker == null) {
            return;
        }
        port = -1;
        try {
            broker.stop().get(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            broker.close();
        } catch (Exception e) {
            log.warn("event=mqtt_stop_failed error={}", e.toString());
        } finally {
            broker = null;
        }
        log.info("event=mqtt_stopped mode=embedded");
    }

    private int listenerPort(Set<Listener> listeners) {
        return listeners.stream().filter(l -> l.getName().equals("hub")).mapToInt(Listener::getPort).findFirst()
                .orElseThrow(() -> new IllegalStateException("the embedded MQTT broker has no listener named hub, "
                        + "but " + listeners.size() + " others"));
    }
}
