package org.telemetryhub.hub.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Wire;

/** Writes the contract's error body, {@code {"error":"<code>","message":"<sentence>"}}, and JSON in general. */
public final class HttpErrors {

    private HttpErrors() {}

    public static void write(Response response, Callback callback, int status, ErrorCode code, String message) {
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        }
        json(response, callback, status, Map.of("error", code.wire(), "message", message));
    }

    public static void json(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        byte[] bytes = Wire.encode(body).getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
