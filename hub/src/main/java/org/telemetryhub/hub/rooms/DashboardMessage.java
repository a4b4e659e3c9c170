package org.telemetryhub.hub.rooms;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.protocol.JsonText;
import org.telemetryhub.protocol.SelfEncoded;

/** What the hub sends a dashboard; each record's {@code type} is its name on the wire. */
public sealed interface DashboardMessage {

    String type();

    /** The device a message is about, or null for namespace-wide messages. */
    default String device() {
        return null;
    }

    /** What an outbox that is full keeps only the latest of: a kind of message, per device. */
    default String coalescing() {
        return type() + "/" + device();
    }

    record Reading(String type, String device, String namespace, long offset, long seq, long ts,
                   Map<String, Double> metrics) implements DashboardMessage, SelfEncoded {
        static Reading of(DeviceRef device, ReadingStore.StoredReading stored) {
            return new Reading("reading", device.id(), device.namespace(), stored.offset(), stored.reading().seq(),
                    stored.reading().ts(), stored.reading().metrics());
        }

        @Override
        public void writeJson(StringBuilder out) {
            JsonText.string(JsonText.field(out.append('{'), "type"), type);
            JsonText.string(JsonText.field(out.append(','), "device"), device);
            JsonText.string(JsonText.field(out.append(','), "namespace"), namespace);
            JsonText.field(out.append(','), "offset").append(offset);
            JsonText.field(out.append(','), "seq").append(seq);
            JsonText.field(out.append(','), "ts").append(ts);
            JsonText.metrics(JsonText.field(out.append(','), "metrics"), metrics).append('}');
        }
    }

    /** {@code alerts}: the device's open and acknowledged alerts, left out when it has none. */
    record DeviceSubscribed(String type, String device, List<Reading> readings, boolean more,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Alert> alerts)
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

        /** Each command's latest state, not only the device's latest command. */
        @JsonIgnore
        @Override
        public String coalescing() {
            return type + "/" + command.commandId();
        }
    }

    /** An alert that was opened, acknowledged or cleared: {@code {"type":"alert", <the alert's fields>}}. */
    record AlertUpdate(String type, @JsonUnwrapped Alert alert) implements DashboardMessage {
        static AlertUpdate of(FeedEvent.AlertChanged event) {
            return new AlertUpdate("alert", event.alert());
        }

        @JsonIgnore
        @Override
        public String device() {
            return alert.deviceId();
        }

        /** Each alert's latest state, not only the device's latest alert. */
        @JsonIgnore
        @Override
        public String coalescing() {
            return type + "/" + alert.alertId();
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
