package org.telemetryhub.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON codec of the protocol. Parsing is strict: no trailing tokens, no duplicate keys, no comments or other
 * JSON extensions, no coercion between types, and numbers keep their full text so non-finite values are seen.
 */
public final class Wire {

    private static final ObjectMapper MAPPER = strictMapper();

    private Wire() {}

    public static ObjectMapper strictMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        mapper.coercionConfigDefaults()
                .setAcceptBlankAsEmpty(false)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.getFactory().disable(JsonParser.Feature.ALLOW_COMMENTS);
        return mapper;
    }

    /** Parses one JSON document strictly into a tree; throws on anything that is not exactly one valid value. */
    public static JsonNode tree(String json) throws JsonProcessingException {
        try {
            return MAPPER.readTree(json);
        } catch (NumberFormatException e) {
            throw beyondNumbers(e);
        }
    }

    public static String encode(Object value) {
        if (value instanceof SelfEncoded message) {
            StringBuilder out = new StringBuilder(96);
            message.writeJson(out);
            return out.toString();
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static HubMessage decodeHubMessage(String json) throws JsonProcessingException {
        try {
            return MAPPER.readValue(json, HubMessage.class);
        } catch (NumberFormatException e) {
            throw beyondNumbers(e);
        }
    }

    /**
     * Jackson reports a number it cannot hold at all (an exponent of twenty digits, found by fuzzing) with an unchecked
     * exception; it is malformed input like any other, and must not escape as a bug.
     */
    private static JsonParseException beyondNumbers(NumberFormatException e) {
        return new JsonParseException(null, "a number beyond what the codec can hold", e);
    }

    /** A reading frame as a device sends it. */
    public static String readingFrame(Reading reading) {
        return encode(readingBody(reading, true));
    }

    /** A batch frame as a device sends it. */
    public static String batchFrame(List<Reading> readings) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "batch");
        frame.put("readings", readings.stream().map(r -> readingBody(r, false)).toList());
        return encode(frame);
    }

    private static Map<String, Object> readingBody(Reading reading, boolean typed) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (typed) {
            body.put("type", "reading");
        }
        body.put("seq", reading.seq());
        body.put("ts", reading.ts());
        body.put("metrics", reading.metrics());
        return body;
    }
}
