package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;

/** Reads typed fields out of a JSON request body, failing with a sentence that names the field. */
final class Fields {

    private Fields() {}

    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiError.badMessage(field + " must be a string, but was " + describe(value));
        }
        return value.asText();
    }

    static String text(JsonNode body, String field, String fallback) {
        return body.has(field) ? text(body, field) : fallback;
    }

    static long integer(JsonNode body, String field, long fallback, long min, long max) {
        JsonNode value = body.get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > max) {
            throw ApiError.badMessage(field + " must be an integer in [" + min + ", " + max + "], but was "
                    + describe(value));
        }
        return value.longValue();
    }

    /** An object of string values, in key order; empty when the field is absent. */
    static Map<String, String> strings(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw ApiError.badMessage(field + " must be an object of strings, but was " + describe(value));
        }
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw ApiError.badMessage(field + "." + Ids.echo(entry.getKey()) + " must be a string, but was "
                        + describe(entry.getValue()));
            }
            out.put(entry.getKey(), entry.getValue().asText());
        }
        return out;
    }

    /** A numeric id in the path: a positive integer, or 404 with the given code, since it names nothing there is. */
    static long pathId(Exchange exchange, String name, ErrorCode unknown) {
        String raw = exchange.path(name);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ApiError(404, unknown, name + " must be a positive integer, but was \"" + Ids.echo(raw) + "\"");
    }

    static boolean flag(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw ApiError.badMessage(field + " must be true or false, but was " + describe(value));
        }
        return value.booleanValue();
    }

    /** A device id, namespace or username: the contract's id rule, or the given code. */
    static String id(JsonNode body, String field, ErrorCode code, String fallback) {
        String value = fallback == null ? text(body, field) : text(body, field, fallback);
        return checkId(field, value, code);
    }

    static String checkId(String field, String value, ErrorCode code) {
        if (!Ids.isValid(value)) {
            throw new ApiError(400, code, field + " must match " + Ids.RULE + ", but was \"" + Ids.echo(value) + "\"");
        }
        return value;
    }

    private static String describe(JsonNode value) {
        return value == null ? "missing" : Ids.echo(value.toString());
    }
}
