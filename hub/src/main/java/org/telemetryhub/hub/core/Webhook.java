package org.telemetryhub.hub.core;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** Where a namespace's alert changes are POSTed, signed with {@code secret} (never shown on the wire). */
public record Webhook(long webhookId, String namespace, String url, @JsonIgnore String secret) {}
