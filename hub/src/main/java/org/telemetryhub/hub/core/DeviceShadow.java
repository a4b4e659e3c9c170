package org.telemetryhub.hub.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A device's desired document (what operators want) and reported document (what the device says it applied), each
 * replaced whole and numbered from 1; version 0 and {@code {}} before the first one.
 */
public record DeviceShadow(JsonNode desired, long desiredVersion, JsonNode reported, long reportedVersion,
                           Long updatedAt) {

    public static final DeviceShadow NONE = new DeviceShadow(JsonNodeFactory.instance.objectNode(), 0,
            JsonNodeFactory.instance.objectNode(), 0, null);

    /** The top-level desired keys whose reported value is missing or not JSON-equal, with their desired values. */
    public ObjectNode delta() {
        ObjectNode delta = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode reportedValue = reported.get(field.getKey());
            if (reportedValue == null || !JsonEquality.equal(field.getValue(), reportedValue)) {
                delta.set(field.getKey(), field.getValue());
            }
        }
        return delta;
    }
}
