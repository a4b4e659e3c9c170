package org.telemetryhub.client.link;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.HubCalls;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.Wire;

/**
 * HTTP ingest with one ticket: each frame is one request whose answer lists the acked seqs and the rejections;
 * commands and state go through its {@link HttpControl}. The link ends (and the device fetches a new ticket) when the
 * hub no longer takes the ticket, when a request fails, and shortly before the ticket's 60 s are up.
 */
final class HttpLink implements Link {

    /** Tickets live at most 60 s; renewing after 45 s keeps a margin for a clock that differs from the hub's. */
    static final long RENEW_AFTER_MS = 45_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI uri;
    private final String ticket;
    private final LinkListener listener;
    private final HttpControl control;
    private final long renewAtNanos = System.nanoTime() + RENEW_AFTER_MS * 1_000_000;
    private final Set<CompletableFuture<FrameVerdict>> unanswered = new HashSet<>();
    private final List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
    private boolean ended;

    /** A link for the device at {@code base}; when it {@code polls}, it takes commands and reads desired state. */
    HttpLink(HttpClient http, URI base, String deviceId, String ticket, boolean polls, LinkListener listener) {
        this.http = http;
        this.uri = base.resolve("/api/devices/" + deviceId + "/readings");
        this.ticket = ticket;
        this.listener = listener;
        this.control = new HttpControl(new HubCalls(http, base), deviceId, ticket, this, listener);
        if (polls) {
            control.start();
        }
    }

    @Override
    public CompletableFuture<FrameVerdict> send(Frame frame) {
        CompletableFuture<FrameVerdict> verdict = new CompletableFuture<>();
        renewalDue();
        CompletableFuture<HttpResponse<String>> request;
        synchronized (this) {
            if (ended) {
                verdict.complete(new FrameVerdict.Lost("the link was closed"));
                return verdict;
            }
            unanswered.add(verdict);
            request = http.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + ticket)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(frame.json())).build(),
                    HttpResponse.BodyHandlers.ofString());
            requests.add(request);
        }
        request.whenComplete((response, failure) -> {
            synchronized (this) {
                requests.remove(request);
                if (!unanswered.remove(verdict)) {
                    return; // the link ended first and answered Lost
                }
            }
            if (failure != null) {
                verdict.complete(new FrameVerdict.Lost("request failed: " + failure.getClass().getSimpleName()));
                end("request failed: " + describe(failure));
            } else {
                verdict.complete(verdict(response));
            }
        });
        return verdict;
    }

    private FrameVerdict verdict(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = Wire.tree(response.body());
        } catch (IOException | RuntimeException e) {
            body = null;
        }
        int status = response.statusCode();
        if (status == 200 && body != null && body.path("acked").isArray() && body.path("rejected").isArray()) {
            List<Long> acked = new ArrayList<>();
            body.path("acked").forEach(seq -> acked.add(seq.asLong()));
            List<FrameVerdict.Rejection> rejected = new ArrayList<>();
            body.path("rejected").forEach(r -> rejected.add(new FrameVerdict.Rejection(r.path("seq").asLong(),
                    r.path("error").asText(), r.path("message").asText())));
            return new FrameVerdict.Answered(acked, rejected);
        }
        String error = body == null ? "" : body.path("error").asText();
        if (status == 429 || status == 503) {
            long retryAfterMs = body == null ? 0 : body.path("retryAfterMs").asLong(0);
            if (retryAfterMs == 0) {
                retryAfterMs = response.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
            }
            return new FrameVerdict.Refused(error.isEmpty() ? "http_" + status : error, retryAfterMs);
        }
        // 401: the ticket expired or was used up; anything else is a frame a well-behaved device never sends
        String why = "the hub answered HTTP " + status + (error.isEmpty() ? "" : " " + error);
        end(why);
        return new FrameVerdict.Lost(why);
    }

    @Override
    public void control(DeviceControl control) {
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        this.control.send(control);
    }

    /** Whether the ticket is about to expire; if so the link retires, so that the device renews it. */
    boolean renewalDue() {
        if (System.nanoTime() - renewAtNanos <= 0) {
            return false;
        }
        retire("the ticket is about to expire; renewing it");
        return true;
    }

    @Override
    public void close() {
        end("closed by the device");
    }

    @Override
    public void cut() {
        List<CompletableFuture<HttpResponse<String>>> open;
        synchronized (this) {
            open = List.copyOf(requests);
        }
        open.forEach(request -> request.cancel(true));
        end("cut by the device");
    }

    /** Takes no more frames, but lets the requests on their way get their answers; the listener hears of it once. */
    private void retire(String why) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        control.stop();
        listener.down(why);
    }

    /** Unanswered frames end Lost; the listener hears of it once. Also when a control request failed. */
    void end(String why) {
        List<CompletableFuture<FrameVerdict>> lost;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            lost = List.copyOf(unanswered);
            unanswered.clear();
        }
        control.stop();
        lost.forEach(v -> v.complete(new FrameVerdict.Lost(why)));
        listener.down(why);
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }
}
