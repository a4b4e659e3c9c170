package org.telemetryhub.hub.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.support.FreePort;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.hub.support.TestKeystore;

/** The embedded broker fails closed without the hub's authenticator, and speaks only TLS when the hub has a key. */
class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void a_broker_whose_authenticator_is_not_in_place_refuses_to_start_and_lets_nobody_in() {
        int port = FreePort.any();
        EmbeddedBroker broker = new EmbeddedBroker(dir, "127.0.0.1", port,
                new HubConfig.Tls(Optional.empty(), "", false), 1024, 5_000, new BrokerExtension() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        // registers nothing, as when the hub's authenticator failed to install
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

                    @Override
                    public boolean installed() {
                        return false;
                    }
                });

        IllegalStateException refused = assertThrows(IllegalStateException.class, broker::start);

        assertTrue(refused.getMessage().startsWith("the embedded MQTT broker started without the hub's "
                + "authenticator"), refused.getMessage());
        assertEquals(MqttTransport.DOWN, broker.state());
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(), "nothing listens");
    }

    @Test
    void a_taken_port_stops_the_hub_naming_mqtt_port() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = Map.of("mqtt.mode", "embedded",
                    "mqtt.port", Integer.toString(taken.getLocalPort()));

            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> TestHub.start(dir, settings));

            assertEquals("the embedded MQTT broker could not start on 127.0.0.1:" + taken.getLocalPort()
                    + " (mqtt.port; is it in use? the broker's log says why)", refused.getCause().getMessage());
        }
    }

    @Test
    void with_a_keystore_the_broker_speaks_mqtt_over_tls_only() throws Exception {
        Path keystore = TestKeystore.create(dir);
        Map<String, String> settings = new HashMap<>(TestHub.EMBEDDED_MQTT);
        settings.put("tls.keystore", keystore.toString());
        settings.put("tls.keystorePassword", TestKeystore.PASSWORD);
        try (TestHub hub = TestHub.start(dir.resolve("store"), settings)) {
            String ticket = ticketOverHttps(hub.url(), keystore, "tls-mqtt");
            Mqtt5BlockingClient tls = MqttClient.builder().useMqttVersion5().identifier("tls-mqtt")
                    .serverHost("127.0.0.1").serverPort(hub.mqttPort())
                    .sslConfig().trustManagerFactory(TestKeystore.trusting(keystore)).applySslConfig()
                    .buildBlocking();

            Mqtt5ConnAckReasonCode connected = tls.connectWith().simpleAuth().username("tls-mqtt")
                    .password(ticket.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send().getReasonCode();
            tls.publishWith().topic(Topics.telemetry("tls-mqtt")).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(Readings.one(1, hub.clock.millis()).getBytes(StandardCharsets.UTF_8)).send();
            tls.disconnect();

            assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, connected);
            assertEquals(1, hub.storedCount("tls-mqtt"));
            assertThrows(RuntimeException.class, () -> MqttClient.builder().useMqttVersion5().identifier("plain")
                    .serverHost("127.0.0.1").serverPort(hub.mqttPort()).buildBlocking().connect(),
                    "plain MQTT gets no CONNACK");
        }
    }

    /** Signs in, provisions a device and gets it a ticket, over HTTPS trusting the test certificate. */
    static String ticketOverHttps(String base, Path keystore, String deviceId) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, TestKeystore.trusting(keystore).getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        String token = post(http, base + "/api/login", Map.of("username", "admin", "password",
                TestHub.ADMIN_PASSWORD, "issueToken", true), null).get("token").asText();
        String secret = post(http, base + "/api/devices", Map.of("deviceId", deviceId), token).get("secret").asText();
        return post(http, base + "/api/tickets", Map.of("deviceId", deviceId, "secret", secret), null)
                .get("ticket").asText();
    }

    static JsonNode post(HttpClient http, String url, Map<String, Object> body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(Api.encode(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Api.JSON.readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
