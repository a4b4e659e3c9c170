package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigException;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** TLS for HTTP and WebSocket, plaintext only on loopback unless allowed, and Host checked against the hub's names. */
class TransportSecurityTest {

    static final String PASSWORD = "changeit-test";

    @TempDir
    Path dir;

    @Test
    void with_a_keystore_the_hub_serves_https_and_wss_only() throws Exception {
        Path keystore = keystore(dir);
        try (TestHub hub = TestHub.start(dir.resolve("store"), Map.of(
                "tls.keystore", keystore.toString(), "tls.keystorePassword", PASSWORD))) {
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore)).build();

            assertTrue(hub.url().startsWith("https://"));
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(hub.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(health.headers().firstValue("Strict-Transport-Security").isPresent());
            assertEquals("up", Api.JSON.readTree(health.body()).get("status").asText());
            assertTrue(!plainAnswer(hub.hub.port()).startsWith("HTTP/"), "plaintext HTTP gets no HTTP answer");

            String ticket = ticket(client, hub.url());
            CompletableFuture<String> ack = new CompletableFuture<>();
            WebSocket socket = client.newWebSocketBuilder().header("Authorization", "Bearer " + ticket)
                    .buildAsync(URI.create(hub.url().replace("https", "wss") + "/ws/device"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            ack.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            socket.sendText(Readings.one(1, hub.clock.millis()), true).join();
            assertEquals("{\"type\":\"ack\",\"seq\":1}", ack.get(10, TimeUnit.SECONDS));
            socket.abort();
        }
    }

    @Test
    void binding_a_public_address_without_tls_is_refused_at_start() {
        ConfigException refused = assertThrows(ConfigException.class, () -> HubConfig.from(ConfigLoader.settings(
                Map.of("http.host", "0.0.0.0"))));

        assertEquals("http.host must be a loopback address unless tls.keystore is set or tls.allowPlaintext is true, "
                + "but was \"0.0.0.0\" (from settings)", refused.getMessage());
    }

    @Test
    void a_request_for_a_host_the_hub_does_not_serve_gets_421() throws Exception {
        try (TestHub hub = TestHub.start(dir, Map.of("http.publicOrigin", "https://hub.example.com"))) {
            assertTrue(plainRequest(hub.hub.port(), "attacker.example").startsWith("HTTP/1.1 421"));
            assertTrue(plainRequest(hub.hub.port(), "hub.example.com").startsWith("HTTP/1.1 200"));
            assertTrue(plainRequest(hub.hub.port(), "localhost:" + hub.hub.port()).startsWith("HTTP/1.1 200"));
        }
    }

    static String plainAnswer(int port) {
        try {
            return plainRequest(port, "127.0.0.1");
        } catch (Exception e) {
            return "";
        }
    }

    static String plainRequest(int port, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (answer.isEmpty()) {
                throw new java.io.IOException("no HTTP answer");
            }
            return answer;
        }
    }

    static String ticket(HttpClient client, String base) throws Exception {
        String login = client.send(post(base + "/api/login", "{\"username\":\"admin\",\"password\":\""
                + TestHub.ADMIN_PASSWORD + "\",\"issueToken\":true}", null), HttpResponse.BodyHandlers.ofString()).body();
        String token = Api.JSON.readTree(login).get("token").asText();
        String device = client.send(post(base + "/api/devices", "{\"deviceId\":\"tls-device\"}", token),
                HttpResponse.BodyHandlers.ofString()).body();
        String secret = Api.JSON.readTree(device).get("secret").asText();
        String ticket = client.send(post(base + "/api/tickets", "{\"deviceId\":\"tls-device\",\"secret\":\""
                + secret + "\"}", null), HttpResponse.BodyHandlers.ofString()).body();
        return Api.JSON.readTree(ticket).get("ticket").asText();
    }

    static HttpRequest post(String url, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    /** A self-signed certificate for localhost and 127.0.0.1, made with the JDK's keytool. */
    static Path keystore(Path dir) throws Exception {
        Path keystore = dir.resolve("hub.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        assertTrue(Files.exists(keystore));
        return keystore;
    }

    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
