package org.telemetryhub.protocol;

import java.util.Locale;

/** Every stable error code of the public contract, as it appears on the wire. */
public enum ErrorCode {
    BAD_MESSAGE,
    BATCH_TOO_LARGE,
    BODY_TOO_LARGE,
    RATE_LIMITED,
    INVALID_TS,
    MISSING_METRICS,
    TOO_MANY_METRICS,
    INVALID_METRIC_NAME,
    INVALID_METRIC_VALUE,
    METRIC_OUT_OF_RANGE,
    SEQ_CONFLICT,
    INVALID_DEVICE_ID,
    INVALID_NAMESPACE,
    UNKNOWN_DEVICE,
    DEVICE_EXISTS,
    OPERATOR_EXISTS,
    BAD_CREDENTIALS,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    MISDIRECTED_REQUEST,
    TOO_MANY_CONNECTIONS,
    INVALID_RULE,
    UNKNOWN_RULE,
    UNKNOWN_ALERT,
    INVALID_WEBHOOK,
    UNKNOWN_WEBHOOK,
    STORE_UNAVAILABLE,
    SHUTTING_DOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
