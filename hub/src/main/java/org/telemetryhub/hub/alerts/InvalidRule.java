package org.telemetryhub.hub.alerts;

/** A rule definition breaks a rule of its own: the message names the field, the rule and the value. */
public final class InvalidRule extends Exception {
    InvalidRule(String message) {
        super(message, null, false, false);
    }
}
