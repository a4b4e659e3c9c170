package org.telemetryhub.simulator;

/** A failure the user can act on, reported as one line without a stack trace. */
public class SimulatorException extends RuntimeException {

    public SimulatorException(String message) {
        super(message);
    }

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
