package org.telemetryhub.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import org.telemetryhub.protocol.Wire;

/**
 * The hub's HTTP API as JSON calls: a method, a path, a body and an optional bearer in; the status, the JSON body and
 * the asked-for wait out. A call the network fails becomes a {@link HubException} that says what was attempted and
 * why in words; {@link #expect} turns an unexpected status into a {@link HubRefusedException}. Bearers never appear
 * in messages. {@code urlName} is what failures call the hub's URL, such as {@code --hub} in a command-line tool.
 */
public record HubCalls(HttpClient http, URI base, String urlName) {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** One answer: its status, its JSON body (null when empty or not JSON) and the {@code Retry-After} in ms. */
    public record Answer(int status, JsonNode json, long retryAfterMs) {

        /** The wait the hub asked for: the body's {@code retryAfterMs}, else the {@code Retry-After} header. */
        public long askedWaitMs() {
            return json == null ? retryAfterMs : json.path("retryAfterMs").asLong(retryAfterMs);
        }
    }

    /** Calls on the hub at {@code base}, whose URL failures call "the hub URL". */
    public HubCalls(HttpClient http, URI base) {
        this(http, base, "the hub URL");
    }

    /** An HTTP/1.1 client with a 10 s connect timeout, as the hub's API and sockets want it. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * One call, waiting for its answer. A GET goes once more when the first attempt failed on a pooled connection
     * the hub had closed (after a restart, or idle), since a GET that never arrived may safely be repeated.
     */
    public Answer call(String method, String path, Object body, String bearer, String what) {
        HttpRequest request = request(method, path, body, bearer);
        try {
            try {
                return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                if (!method.equals("GET")) {
                    throw e;
                }
                return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(what + " was interrupted");
        } catch (IOException | RuntimeException e) {
            throw unreachable(what, e);
        }
    }

    /** One call without blocking a thread; cancelling the answer cancels the request (as a long-poll's end must). */
    public CompletableFuture<Answer> callAsync(String method, String path, Object body, String bearer, String what) {
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request(method, path, body, bearer),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<Answer> answer = sent
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw unreachable(what, cause instanceof Exception e ? e : new IOException(cause));
                    }
                    return answer(response);
                });
        answer.whenComplete((done, failure) -> {
            if (failure instanceof CancellationException) {
                sent.cancel(true);
            }
        });
        return answer;
    }

    private HttpRequest request(String method, String path, Object body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Wire.encode(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return request.build();
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : Wire.tree(response.body());
        } catch (IOException e) {
            // not JSON: reported by expect() with the status
        }
        long retryAfterMs = response.headers().firstValueAsLong("Retry-After").orElse(0) * 1000;
        return new Answer(response.statusCode(), json, retryAfterMs);
    }

    /** Fails unless the answer has {@code status}, with the hub's error code and message when it gave them. */
    public void expect(Answer answer, int status, String what) {
        if (answer.status() == status) {
            return;
        }
        JsonNode json = answer.json();
        if (json != null && json.isObject() && json.path("error").isTextual()) {
            throw new HubRefusedException(what + " failed: " + answer.status() + " " + json.path("error").asText()
                    + (json.path("message").isTextual() ? ": " + json.path("message").asText() : ""),
                    answer.status(), json.path("error").asText(), answer.askedWaitMs());
        }
        throw new HubRefusedException(what + " failed: the server at " + base + " answered HTTP " + answer.status()
                + " without a hub error body; is " + urlName + " the telemetry hub?", answer.status(), "", 0);
    }

    /** The answer's text field, or a failure that says the answer is no hub's. */
    public String text(Answer answer, String field, String what) {
        JsonNode node = answer.json() == null ? null : answer.json().get(field);
        if (node == null || !node.isTextual()) {
            throw notTheHub(what, field);
        }
        return node.asText();
    }

    /** The answer's whole-number field, or 0 when it has none. */
    public static long number(Answer answer, String field) {
        JsonNode node = answer.json() == null ? null : answer.json().get(field);
        return node != null && node.canConvertToLong() ? node.asLong() : 0;
    }

    /** A failure saying the answer lacks {@code field}, so {@code base} is probably not the hub. */
    private HubException notTheHub(String what, String field) {
        return new HubException(what + ": the answer has no '" + field + "'; is " + urlName
                + " the telemetry hub?");
    }

    private HubException unreachable(String what, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "the connection timed out";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException || cause instanceof ConnectException) {
            why = "the connection was refused";
        } else if (hasCause(e, UnresolvedAddressException.class) || hasCause(e, UnknownHostException.class)) {
            why = "the host name does not resolve";
        } else if (hasCause(e, SSLException.class)) {
            why = "the TLS handshake failed (" + cause.getClass().getSimpleName() + ")";
        } else {
            why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return new HubException("cannot " + what + ": the hub at " + base + " is not reachable (" + why
                + "); is it running, and is " + urlName + " right?", e);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
