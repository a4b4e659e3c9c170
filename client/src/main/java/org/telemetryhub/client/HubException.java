package org.telemetryhub.client;

import java.util.concurrent.CompletionException;

/**
 * A failure a device (or a tool) can act on: the hub could not be reached, refused a call or a link, or answered
 * something that is no hub answer. The message says what was attempted and what came back; it never holds a secret,
 * a ticket or a token.
 */
public class HubException extends RuntimeException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The failure a future reports, without the {@link CompletionException} it comes wrapped in. */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
