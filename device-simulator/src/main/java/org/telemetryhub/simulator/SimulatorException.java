package org.telemetryhub.simulator;

import org.telemetryhub.client.HubException;

/**
 * A failure the user can act on, reported as one line without a stack trace: the simulator's own, beside the device
 * SDK's {@link HubException}s, which are reported the same way.
 */
public class SimulatorException extends HubException {

    public SimulatorException(String message) {
        super(message);
    }

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
