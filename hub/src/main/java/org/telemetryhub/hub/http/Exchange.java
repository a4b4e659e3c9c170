package org.telemetryhub.hub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Wire;

/** One HTTP request as a route sees it: path parameters, a size-limited body, and JSON answers. */
public final class Exchange {

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Map<String, String> pathParameters;
    private final int maxBodyBytes;
    private Fields query;

    Exchange(Request request, Response response, Callback callback, Map<String, String> pathParameters,
             int maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.pathParameters = pathParameters;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Request request() {
        return request;
    }

    public Response response() {
        return response;
    }

    /** The request's completion callback, for routes that answer later or stream. */
    public Callback callback() {
        return callback;
    }

    public String path(String name) {
        return pathParameters.get(name);
    }

    public String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        return query.getValue(name);
    }

    /** A query parameter that must be an integer in [min, max]; {@code fallback} when it is absent. */
    public long queryInteger(String name, long fallback, long min, long max) {
        String raw = query(name);
        return raw == null ? fallback : integer(name, raw, min, max);
    }

    /** A parameter's text as an integer in [min, max], or 400 naming it, the rule and the value. */
    public static long integer(String name, String raw, long min, long max) {
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw ApiError.badMessage(name + " must be an integer in [" + min + ", " + max + "], but was \""
                + org.telemetryhub.protocol.Ids.echo(raw) + "\"");
    }

    public String header(HttpHeader header) {
        return request.getHeaders().get(header);
    }

    public String address() {
        return Request.getRemoteAddr(request);
    }

    public boolean secure() {
        return request.isSecure();
    }

    /** The body as UTF-8 text; 413 {@code body_too_large} past the limit, 400 for bytes that are not UTF-8. */
    public String body() {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes;
        try {
            bytes = Content.Source.asByteArrayAsync(request, maxBodyBytes + 1).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.badMessage("the request body could not be read");
        } catch (ExecutionException e) {
            throw tooLarge();
        }
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badMessage("the request body must be UTF-8 text");
        }
    }

    /** The body as one strict JSON object. */
    public JsonNode jsonBody() {
        try {
            JsonNode node = Wire.tree(body());
            if (node == null || !node.isObject()) {
                throw ApiError.badMessage("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.badMessage("the request body must be valid JSON (no duplicate keys, nothing after it)");
        }
    }

    public void json(int status, Object body) {
        HttpErrors.json(response, callback, status, body);
    }

    public void text(int status, String contentType, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    public void noContent() {
        response.setStatus(204);
        callback.succeeded();
    }

    public void error(ApiError error) {
        if (error.retryAfterMs() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString((error.retryAfterMs() + 999) / 1000));
        }
        HttpErrors.write(response, callback, error.status(), error.code(), error.getMessage());
    }

    public void fail(Throwable failure) {
        callback.failed(failure);
    }

    private ApiError tooLarge() {
        return new ApiError(413, ErrorCode.BODY_TOO_LARGE, "the request body must be at most " + maxBodyBytes
                + " bytes");
    }
}
