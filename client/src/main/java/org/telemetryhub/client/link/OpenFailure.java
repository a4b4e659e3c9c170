package org.telemetryhub.client.link;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.telemetryhub.client.HubException;

/**
 * A link that could not be opened, as the device reports it: one {@link HubException} line that names the
 * device and what the hub or the network said, never the client library's {@link CompletionException} wrapper.
 * Shared by the transports that open a connection (WebSocket, MQTT); each words its own refusals.
 */
final class OpenFailure {

    private OpenFailure() {
    }

    /** {@code opening}, whose failure, unwrapped, {@code explain} turns into the line the device reports. */
    static CompletableFuture<Link> explained(CompletableFuture<? extends Link> opening,
                                             Function<Throwable, HubException> explain) {
        return opening.handle((link, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw new CompletionException(explain.apply(cause));
            }
            return link;
        });
    }

    /** The cause's type and message, such as {@code ConnectException Connection refused}. */
    static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }
}
