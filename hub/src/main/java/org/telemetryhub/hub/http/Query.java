package org.telemetryhub.hub.http;

import org.telemetryhub.protocol.Ids;

/** Reads numbers out of a request's query, failing with a sentence that names the parameter, its rule and value. */
final class Query {

    private Query() {}

    /** An offset (an integer >= 0), or null when the parameter is absent. */
    static Long optionalOffset(Exchange exchange, String name) {
        String raw = exchange.query(name);
        return raw == null ? null : offset(name, raw);
    }

    static long offset(String name, String raw) {
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw ApiError.badMessage(name + " must be an offset (an integer >= 0), but was \"" + Ids.echo(raw) + "\"");
    }

    /** A time in epoch ms that the request must name; {@code instead} says what else would do, if anything. */
    static long requiredTime(Exchange exchange, String name, String instead) {
        String raw = exchange.query(name);
        if (raw == null) {
            throw ApiError.badMessage(name + " is required (epoch ms)" + instead);
        }
        return number(name, raw, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** An integer in {@code [min, max]}, or {@code fallback} when the parameter is absent. */
    static long bounded(Exchange exchange, String name, long fallback, long min, long max) {
        String raw = exchange.query(name);
        return raw == null ? fallback : number(name, raw, min, max);
    }

    private static long number(String name, String raw, long min, long max) {
        try {
            long value = Long.parseLong(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw ApiError.badMessage(name + " must be an integer in [" + min + ", " + max + "], but was \""
                + Ids.echo(raw) + "\"");
    }
}
