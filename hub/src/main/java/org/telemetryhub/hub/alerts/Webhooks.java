package org.telemetryhub.hub.alerts;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.Webhook;
import org.telemetryhub.hub.store.WebhookStore;

/** A namespace's webhooks as admins manage them: made with a checked URL and a secret, listed, deleted. */
public final class Webhooks {

    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 256;

    private final WebhookStore store;
    private final Clock clock;
    private final boolean allowPrivate;

    public Webhooks(WebhookStore store, Clock clock, boolean allowPrivate) {
        this.store = store;
        this.clock = clock;
        this.allowPrivate = allowPrivate;
    }

    public Webhook create(String namespace, String url, String secret) throws InvalidDefinition {
        WebhookAddress.check(url, allowPrivate);
        if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            // the value is a secret: only its length is shown
            throw new InvalidDefinition("secret must have " + MIN_SECRET + " to " + MAX_SECRET
                    + " characters, but had " + secret.length());
        }
        return store.create(namespace, url, secret, clock.millis());
    }

    public List<Webhook> list() {
        return store.list();
    }

    /** Deletes a webhook with its queued deliveries and dead letters; false when there is none. */
    public boolean delete(long webhookId) {
        return store.delete(webhookId);
    }

    /** A webhook's latest dead letters, newest first; empty when there is no such webhook. */
    public Optional<List<WebhookStore.DeadLetter>> deadLetters(long webhookId, int limit) {
        return store.find(webhookId).map(webhook -> store.deadLetters(webhookId, limit));
    }
}
