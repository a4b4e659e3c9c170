package org.telemetryhub.hub.mqtt;

import java.util.Optional;
import org.telemetryhub.protocol.Ids;

/**
 * The MQTT topic layout and who may use which topic. A device publishes readings to {@code devices/{id}/telemetry}
 * and may publish and subscribe only under {@code devices/{id}/}; retained publishes (but for its own presence on an
 * external broker) and shared subscriptions are not authorized. No broker types here: the embedded broker's
 * authorizers and the external broker's ACL route apply the same rules.
 */
public final class Topics {

    public static final String PREFIX = "devices/";
    public static final String TELEMETRY = "telemetry";
    public static final String VERDICTS = "verdicts";
    public static final String PRESENCE = "presence";
    /** Hub → device: commands, and the desired state's delta. */
    public static final String COMMANDS = "commands";
    public static final String STATE_DELTA = "state/delta";
    /** Device → hub: command results, and the reported state. */
    public static final String COMMAND_RESULTS = "command-results";
    public static final String STATE_REPORTED = "state/reported";
    public static final String ALL_TELEMETRY = "devices/+/telemetry";
    /** The shared subscription group of the hub's bridges on an external broker: hub nodes share the load. */
    public static final String SHARED = "$share/hub/";
    /** What the hub's bridge subscribes to on an external broker: every device's readings, shared among hub nodes. */
    public static final String SHARED_TELEMETRY = SHARED + ALL_TELEMETRY;
    public static final String ALL_PRESENCE = "devices/+/presence";
    public static final String ALL_VERDICTS = "devices/+/verdicts";
    public static final String ALL_COMMAND_RESULTS = "devices/+/command-results";
    public static final String ALL_STATE_REPORTED = "devices/+/state/reported";
    public static final String SHARED_COMMAND_RESULTS = SHARED + ALL_COMMAND_RESULTS;
    public static final String SHARED_STATE_REPORTED = SHARED + ALL_STATE_REPORTED;

    private Topics() {}

    public static String telemetry(String deviceId) {
        return PREFIX + deviceId + "/" + TELEMETRY;
    }

    public static String verdicts(String deviceId) {
        return PREFIX + deviceId + "/" + VERDICTS;
    }

    public static String presence(String deviceId) {
        return PREFIX + deviceId + "/" + PRESENCE;
    }

    /** Whether the hub may publish to this topic: a device's verdicts, commands or state delta. */
    public static boolean hubPublishes(String topic) {
        return deviceOf(topic, VERDICTS).isPresent() || deviceOf(topic, COMMANDS).isPresent()
                || deviceOf(topic, STATE_DELTA).isPresent();
    }

    /**
     * Whether the hub may subscribe to this filter: every device's readings (shared among hub nodes), presence,
     * command results and reported state. A broker may present a shared subscription with or without its
     * {@code $share/<group>/} prefix.
     */
    public static boolean hubSubscribes(String filter) {
        String plain = filter.startsWith(SHARED) ? filter.substring(SHARED.length()) : filter;
        return plain.equals(ALL_TELEMETRY) || plain.equals(ALL_PRESENCE) || plain.equals(ALL_COMMAND_RESULTS)
                || plain.equals(ALL_STATE_REPORTED);
    }

    /** A topic of one device: {@code devices/{id}/<leaf>}. */
    public static String of(String deviceId, String leaf) {
        return PREFIX + deviceId + "/" + leaf;
    }

    /** The device a {@code devices/{id}/<leaf>} topic names, when it has that leaf and a valid id. */
    public static Optional<String> deviceOf(String topic, String leaf) {
        String suffix = "/" + leaf;
        if (!topic.startsWith(PREFIX) || !topic.endsWith(suffix)) {
            return Optional.empty();
        }
        String id = topic.substring(PREFIX.length(), topic.length() - suffix.length());
        return Ids.isValid(id) ? Optional.of(id) : Optional.empty();
    }

    /**
     * Whether a device may publish to this topic: only under its own prefix, never retained, except its own presence
     * when {@code retainedPresence} (external brokers keep a device's presence as a retained message and a will).
     */
    public static boolean mayPublish(String deviceId, String topic, boolean retain, boolean retainedPresence) {
        if (!Ids.isValid(deviceId) || !underOwnPrefix(deviceId, topic)) {
            return false;
        }
        return !retain || (retainedPresence && topic.equals(presence(deviceId)));
    }

    /** Whether a device may subscribe to this filter: only under its own prefix, never as a shared subscription. */
    public static boolean maySubscribe(String deviceId, String filter) {
        return Ids.isValid(deviceId) && !filter.startsWith("$share/") && underOwnPrefix(deviceId, filter);
    }

    private static boolean underOwnPrefix(String deviceId, String topic) {
        String own = PREFIX + deviceId + "/";
        return topic.startsWith(own) && topic.length() > own.length();
    }
}
