package org.telemetryhub.simulator.bench;

/** A failure the user can act on, reported as one line without a stack trace. */
public final class BenchException extends RuntimeException {

    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
