package org.telemetryhub.hub.http;

import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.protocol.ErrorCode;

/** Ends a request with an error body; thrown by routes, answered by the {@link Router}. */
public final class ApiError extends RuntimeException {

    private final int status;
    private final ErrorCode code;
    private final Long retryAfterMs;

    public ApiError(int status, ErrorCode code, String message) {
        this(status, code, message, null);
    }

    public ApiError(int status, ErrorCode code, String message, Long retryAfterMs) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterMs = retryAfterMs;
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }

    public static ApiError badMessage(String message) {
        return new ApiError(400, ErrorCode.BAD_MESSAGE, message);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, ErrorCode.UNAUTHORIZED, "sign in first: send the session cookie or "
                + "Authorization: Bearer <token>");
    }

    /** A session that ended, with the sentence that says why: every answer to it, and its waiting long-poll. */
    public static ApiError sessionEnded(SessionEnd.Reason reason) {
        return new ApiError(401, ErrorCode.SESSION_ENDED, reason.sentence());
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, ErrorCode.FORBIDDEN, message);
    }
}
