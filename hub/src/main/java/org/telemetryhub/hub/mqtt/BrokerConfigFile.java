package org.telemetryhub.hub.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.telemetryhub.hub.config.HubConfig;

/**
 * The embedded broker's {@code config.xml}, written from the hub's settings at every start: one listener on the
 * hub's host (TLS only when the hub has a keystore), packets up to a few times the payload limit, no empty client
 * ids, in-memory persistence (a PUBACK means stored in the hub's own store, so the broker keeps nothing that must
 * outlive it), and no usage statistics sent anywhere.
 */
final class BrokerConfigFile {

    /**
     * The broker reads packets up to four times the payload limit, so that a payload over the limit reaches the hub
     * and gets its verdict ({@code body_too_large}) instead of a disconnect; beyond that it disconnects (0x95), since
     * it holds a whole packet in memory.
     */
    private static final int OVERSIZE_FACTOR = 4;
    /** Room for the fixed header, the topic and the properties around a payload of the largest packet. */
    private static final int PACKET_OVERHEAD = 4_096;

    private BrokerConfigFile() {}

    static void write(Path folder, String host, int port, HubConfig.Tls tls, int maxPayloadBytes,
                      long connectTimeoutMs) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve("config.xml");
        Files.deleteIfExists(file);
        Files.createFile(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // keystore password
        }
        Files.writeString(file, xml(host, port, tls, maxPayloadBytes, connectTimeoutMs));
    }

    static String xml(String host, int port, HubConfig.Tls tls, int maxPayloadBytes, long connectTimeoutMs) {
        String listener = tls.enabled() ? "tls-tcp-listener" : "tcp-listener";
        String keystore = tls.keystore().map(path -> """
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                            </tls>
                """.formatted(escape(path.toAbsolutePath().toString()), escape(tls.keystorePassword()),
                escape(tls.keystorePassword()))).orElse("");
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by the telemetry hub at every start; edits are overwritten. -->
                <hivemq>
                    <listeners>
                        <%1$s>
                            <port>%2$d</port>
                            <bind-address>%3$s</bind-address>
                            <name>hub</name>
                %4$s        </%1$s>
                    </listeners>
                    <mqtt>
                        <packets>
                            <max-packet-size>%5$d</max-packet-size>
                        </packets>
                    </mqtt>
                    <restrictions>
                        <no-connect-idle-timeout>%6$d</no-connect-idle-timeout>
                    </restrictions>
                    <security>
                        <allow-empty-client-id>
                            <enabled>false</enabled>
                        </allow-empty-client-id>
                    </security>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(listener, port, escape(host), keystore,
                (long) maxPayloadBytes * OVERSIZE_FACTOR + PACKET_OVERHEAD,
                connectTimeoutMs);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
