package org.telemetryhub.hub.core;

/** The store failed (not bad input): the caller answers "store unavailable" and acks nothing. */
public final class StoreException extends RuntimeException {
    public StoreException(String what, Exception cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
