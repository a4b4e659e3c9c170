package org.telemetryhub.client;

/**
 * What {@code POST /api/tickets} answers: a one-minute credential for one link, when it expires (on the hub's clock)
 * and the highest seq the hub has stored for the device, so a device that lost its own count can number on.
 */
public record Ticket(String ticket, long expiresAt, long lastSeq) {

    @Override
    public String toString() {
        return "Ticket[expiresAt=" + expiresAt + ", lastSeq=" + lastSeq + "]";
    }
}
