package org.telemetryhub.hub.alerts;

/** An alert rule or a webhook breaks a rule of its own: the message names the field, the rule and the value. */
public final class InvalidDefinition extends Exception {
    InvalidDefinition(String message) {
        super(message, null, false, false);
    }
}
