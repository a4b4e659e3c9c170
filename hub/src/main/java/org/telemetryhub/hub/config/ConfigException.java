package org.telemetryhub.hub.config;

/** A setting that stops the hub from starting; the message names the key, the rule and the value. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
