package org.telemetryhub.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.HubRefusedException;
import org.telemetryhub.protocol.Wire;
import org.telemetryhub.simulator.SimulatorException;

/**
 * Why a benchmark device's socket did not open: as the line that stops a benchmark that needs every device, and as a
 * short code (such as {@code HTTP 503 too_many_connections}) for one that counts refusals to find a hub's limit.
 */
final class SocketRefusals {

    private SocketRefusals() {
    }

    /** The line naming the device, the endpoint and what the hub (or the network) said. */
    static SimulatorException describe(String id, URI uri, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof BenchSocket.Refused refused) {
            return new SimulatorException("the hub refused the WebSocket of device " + id + " at " + uri + " with "
                    + refused.getMessage());
        }
        return new SimulatorException("connecting device " + id + " to " + uri + " failed: " + cause, cause);
    }

    /**
     * A code to count refusals by: the HTTP status and the hub's error code of a refused upgrade or ticket request,
     * or what went wrong on the network. Never holds a device id, so equal causes count together.
     */
    static String code(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof BenchSocket.Refused refused) {
            return "upgrade: HTTP " + refused.status() + errorCode(refused.body());
        }
        if (cause instanceof HubRefusedException refused) {
            return "ticket: HTTP " + refused.status() + (refused.error().isEmpty() ? "" : " " + refused.error());
        }
        if (cause instanceof HubException && cause.getCause() != null) {
            // the API client's "not reachable" line names the device; count by what happened underneath
            return "ticket: " + network(unwrap(cause.getCause()));
        }
        return "upgrade: " + network(cause);
    }

    private static String network(Throwable cause) {
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "timed out";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }

    private static String errorCode(String body) {
        if (!body.isBlank()) {
            try {
                JsonNode error = Wire.tree(body).get("error");
                if (error != null && error.isTextual()) {
                    return " " + error.asText();
                }
            } catch (IOException | RuntimeException e) {
                // not the hub's error body: the status alone says enough
            }
        }
        return "";
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; depth < 8 && cause.getCause() != null
                && (cause instanceof CompletionException || cause instanceof ExecutionException); depth++) {
            cause = cause.getCause();
        }
        return cause;
    }
}
