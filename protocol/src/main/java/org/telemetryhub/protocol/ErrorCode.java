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
    INVALID_UNIT,
    METRIC_OUT_OF_RANGE,
    SEQ_CONFLICT,
    INVALID_DEVICE_ID,
    INVALID_NAMESPACE,
    UNKNOWN_DEVICE,
    UNKNOWN_OPERATOR,
    DEVICE_EXISTS,
    OPERATOR_EXISTS,
    BAD_CREDENTIALS,
    UNAUTHORIZED,
    SESSION_ENDED,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    MISDIRECTED_REQUEST,
    TOO_MANY_CONNECTIONS,
    STORE_UNAVAILABLE,
    SHUTTING_DOWN,
    INVALID_COMMAND,
    INVALID_TTL,
    QUEUE_FULL,
    UNKNOWN_COMMAND,
    COMMAND_FINISHED,
    DUPLICATE_RESULT,
    VERSION_CONFLICT,
    PRECONDITION_REQUIRED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
