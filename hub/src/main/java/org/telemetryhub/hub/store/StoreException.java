package org.telemetryhub.hub.store;

import java.sql.SQLException;

/** The store failed (not bad input): the caller answers "store unavailable" and acks nothing. */
public final class StoreException extends RuntimeException {
    public StoreException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
