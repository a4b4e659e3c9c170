package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.telemetryhub.client.DeviceCredentials;
import org.telemetryhub.client.HubCalls;
import org.telemetryhub.client.Tickets;

/** The operator and device HTTP API as a test calls it: JSON in, status and JSON out. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        public String error() {
            return body.path("error").asText();
        }
    }

    /** A provisioned device and its one-time secret. */
    public record Device(String id, String secret) {}

    private final String base;
    private final String token;

    Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public static Api signedIn(String base, String username, String password) {
        Answer login = new Api(base, null).post("/api/login",
                Map.of("username", username, "password", password, "issueToken", true));
        if (login.status() != 200) {
            throw new IllegalStateException("login failed: " + login.status() + " " + login.body());
        }
        return new Api(base, login.body().get("token").asText());
    }

    public String token() {
        return token;
    }

    public Answer get(String path) {
        return send(request(path).GET());
    }

    public Answer delete(String path) {
        return send(request(path).DELETE());
    }

    public Answer post(String path, Object body) {
        return postRaw(path, body instanceof String s ? s : encode(body), Map.of());
    }

    public Answer put(String path, Object body) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(encode(body)))
                .header("Content-Type", "application/json"));
    }

    public Answer postRaw(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return send(builder);
    }

    public Answer put(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).PUT(HttpRequest.BodyPublishers.ofString(
                body instanceof String s ? s : encode(body))).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return send(builder);
    }

    public Device provision(String deviceId) {
        return provision(deviceId, "default");
    }

    public Device provision(String deviceId, String namespace) {
        Answer answer = post("/api/devices", Map.of("deviceId", deviceId, "namespace", namespace));
        if (answer.status() != 201) {
            throw new IllegalStateException("provisioning failed: " + answer.status() + " " + answer.body());
        }
        return new Device(deviceId, answer.body().get("secret").asText());
    }

    /** A fresh ticket for the device, as the device SDK asks for it; a refusal is a HubRefusedException. */
    public String ticket(Device device) {
        return new Tickets(new HubCalls(HTTP, URI.create(base))).request(device.id(), device.secret()).ticket();
    }

    /** The device's credentials for the device SDK. */
    public DeviceCredentials credentials(Device device) {
        return DeviceCredentials.of(base, device.id(), device.secret());
    }

    /** The API with this bearer: a device's ticket or an operator's token. */
    public Api withBearer(String token) {
        return new Api(base, token);
    }

    /** Readings over HTTP with a ticket as bearer. */
    public Answer ingest(String deviceId, String ticket, String body) {
        return new Api(base, ticket).postRaw("/api/devices/" + deviceId + "/readings", body, Map.of());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = exchange(builder.build());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : parse(response.body());
            return new Answer(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends once more when the hub had just closed the idle keep-alive connection the client picked (HTTP/1.1 lets
     * a server do that; the request never reached it).
     */
    private static HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("header parser received no bytes")) {
                throw e;
            }
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("raw", body);
        }
    }

    public static String encode(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
