package org.telemetryhub.hub.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.commands.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;

/** What the hub sends a dashboard; each record's {@code type} is its name on the wire. */
public sealed interface DashboardMessage {

    String type();

    /** The device a message is about, or null for namespace-wide messages. */
    default String device() {
        return null;
    }

    record Reading(String type, String device, String namespace, long offset, long seq, long ts,
                   Map<String, Double> metrics) implements DashboardMessage {
        static Reading of(DeviceRef device, ReadingStore.StoredReading stored) {
            return new Reading("reading", device.id(), device.namespace(), stored.offset(), stored.reading().seq(),
                    stored.reading().ts(), stored.reading().metrics());
        }
    }

    record DeviceSubscribed(String type, String device, List<Reading> readings, boolean more)
            implements DashboardMessage {}

    record NamespaceSubscribed(String type, String namespace, List<DeviceSummary> devices)
            implements DashboardMessage {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Rejection(String type, String device, Long seq, String error, String message, long at)
            implements DashboardMessage {
        static Rejection of(FeedEvent.Rejected event) {
            ReadingStore.Rejection r = event.rejection();
            return new Rejection("rejection", event.device().id(), r.seq(), r.code(), r.message(), r.at());
        }
    }

    record Presence(String type, String device, String state, long at, long version) implements DashboardMessage {
        static Presence of(FeedEvent.PresenceChanged event) {
            return new Presence("presence", event.device().id(), event.state(), event.at(), event.version());
        }
    }

    /** A command of the device changed: {@code command_update} with the command's fields. */
    record CommandUpdate(String type, String device, @JsonUnwrapped Command command) implements DashboardMessage {
        static CommandUpdate of(FeedEvent.CommandChanged event) {
            return new CommandUpdate("command_update", event.device().id(), event.command());
        }
    }

    record Lag(String type, String device, long behind) implements DashboardMessage {}

    record Truncated(String type, String device, long firstOffset) implements DashboardMessage {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record DeviceSummary(String type, String device, String presence, Long lastSeenAt, long lastSeq,
                         double ratePerS, long rejected, long holes) implements DashboardMessage {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String type, String error, String message, String device, String namespace)
            implements DashboardMessage {
        public static Error of(String code, String message, String device, String namespace) {
            return new Error("error", code, message, device, namespace);
        }
    }
}
