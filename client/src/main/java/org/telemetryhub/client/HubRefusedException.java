package org.telemetryhub.client;

/**
 * The hub answered a call with an error status: the HTTP {@code status}, the hub's {@code error} code (empty when the
 * body held none) and the {@code retryAfterMs} it asked for (0 when it named none).
 */
public final class HubRefusedException extends HubException {

    private final int status;
    private final String error;
    private final long retryAfterMs;

    public HubRefusedException(String message, int status, String error, long retryAfterMs) {
        super(message);
        this.status = status;
        this.error = error;
        this.retryAfterMs = retryAfterMs;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** Whether the hub refused the device's id and secret: retrying will not help. */
    public boolean badCredentials() {
        return status == 401 && "bad_credentials".equals(error);
    }
}
