package org.telemetryhub.hub.alerts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.store.WebhookStore;
import org.telemetryhub.hub.store.WebhookStore.Delivery;

/**
 * Sends the queued deliveries, on their own threads, so that a slow or failing receiver never holds up ingest or the
 * rules: each is POSTed with {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>} and
 * {@code X-Hub-Delivery: <id>} (the same id on every attempt, so a receiver can drop repeats), retried with
 * exponential backoff, and kept as a dead letter after its last attempt. Retries are timed on the wall clock: they
 * wait for a receiver to recover, not for the hub's data.
 */
public final class WebhookSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    /** The first attempt and eight retries. */
    static final int ATTEMPTS = 9;
    private static final int IN_FLIGHT = 16;
    private static final long POLL_MS = 200;
    private static final int ERROR_CHARS = 500;

    private final WebhookStore store;
    private final HttpClient http;
    private final Clock wallClock;
    private final HubConfig.Alerts config;
    private final ScheduledExecutorService poller =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "webhooks"));
    private final AtomicInteger inFlight = new AtomicInteger();

    public WebhookSender(WebhookStore store, HttpClient http, Clock wallClock, HubConfig.Alerts config) {
        this.store = store;
        this.http = http;
        this.wallClock = wallClock;
        this.config = config;
    }

    public void start() {
        poller.scheduleWithFixedDelay(this::poll, 0, POLL_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private void poll() {
        try {
            int room = IN_FLIGHT - inFlight.get();
            if (room <= 0) {
                return;
            }
            long now = wallClock.millis();
            // an attempt holds its delivery past its timeout, so that no other node sends it meanwhile
            long until = now + config.webhookTimeoutMs() + 5_000;
            for (Delivery delivery : store.due(now, room)) {
                if (store.take(delivery, until)) {
                    inFlight.incrementAndGet();
                    send(delivery);
                }
            }
        } catch (RuntimeException e) {
            log.warn("event=webhook_poll_failed error={}", e.toString());
        }
    }

    private void send(Delivery delivery) {
        try {
            URI uri = WebhookAddress.check(delivery.webhook().url(), config.webhooksAllowPrivate());
            post(uri, delivery);
        } catch (InvalidDefinition e) {
            failed(delivery, e.getMessage());
        } catch (RuntimeException e) {
            failed(delivery, e.toString());
        }
    }

    private void post(URI uri, Delivery delivery) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(config.webhookTimeoutMs()))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", "sha256=" + sign(delivery.webhook().secret(), delivery.body()))
                .header("X-Hub-Delivery", Long.toString(delivery.deliveryId()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            if (failure == null && response.statusCode() / 100 == 2) {
                finish(() -> store.delivered(delivery.deliveryId()));
            } else {
                failed(delivery, failure == null ? "HTTP " + response.statusCode() : failure.toString());
            }
        });
    }

    private void failed(Delivery delivery, String error) {
        int attempts = delivery.attempts() + 1;
        String cut = error.length() > ERROR_CHARS ? error.substring(0, ERROR_CHARS) : error;
        log.warn("event=webhook_failed webhook={} delivery={} attempt={} error={}", delivery.webhook().webhookId(),
                delivery.deliveryId(), attempts, cut);
        long now = wallClock.millis();
        finish(() -> {
            if (attempts >= ATTEMPTS) {
                store.dead(delivery.deliveryId(), attempts, cut, now);
            } else {
                store.retry(delivery.deliveryId(), attempts, now + backoff(attempts), cut);
            }
        });
    }

    /** The wait before retry {@code n} (1, 2, ...): backoffMs, then twice as long each time. */
    long backoff(int attempts) {
        return config.webhookBackoffMs() << (attempts - 1);
    }

    private void finish(Runnable record) {
        try {
            record.run();
        } catch (RuntimeException e) {
            // the delivery stays taken until its hold ends, then it is sent again
            log.warn("event=webhook_record_failed error={}", e.toString());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    static String sign(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
