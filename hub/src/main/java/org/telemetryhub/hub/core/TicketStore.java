package org.telemetryhub.hub.core;

import java.util.Optional;

/**
 * Device tickets by the hash of their text. A connection takes a ticket that no connection and no HTTP request has
 * used; HTTP ingest may reuse a ticket that opened no connection until it expires.
 */
public interface TicketStore {

    void insert(String ticketHash, long deviceKey, long expiresAt);

    /** Uses the ticket up for one connection; empty when it is unknown, expired, used or its device is gone. */
    Optional<DeviceRef> takeForConnection(String ticketHash, long now);

    /** Marks the ticket as an HTTP bearer (it can no longer open a connection) and names its device. */
    Optional<DeviceRef> useForHttp(String ticketHash, long now);

    /** The device was deleted or given a new secret: none of its tickets may be used any more. */
    default void forget(long deviceKey) {}

    /** Deletes the tickets that can no longer be used: expired ones, and those that opened a connection. */
    int purgeUnusable(long now);

    /** Tickets kept. */
    long count();
}
