package org.telemetryhub.hub.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceShadow;
import org.telemetryhub.hub.core.StateStore;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;

/**
 * Desired and reported state (a device shadow, or twin): operators replace the desired document under optimistic
 * concurrency (its version), devices replace the reported one; every desired change is reported to {@link Changes},
 * so that the device hears its {@code state_delta} on whichever node it is connected to.
 */
public final class DeviceStates {

    /** The largest desired or reported document, as UTF-8 JSON. */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024;

    /** Hears that a device's desired document changed. */
    @FunctionalInterface
    public interface Changes {
        void desiredChanged(DeviceRef device);
    }

    /** A replaced document's new version, or why nothing changed. */
    public sealed interface Outcome {
        record Replaced(long version) implements Outcome {}

        record Refused(ErrorCode code, String message) implements Outcome {}
    }

    private final StateStore store;
    private final Clock clock;
    private final Changes changes;

    public DeviceStates(StateStore store, Clock clock, Changes changes) {
        this.store = store;
        this.clock = clock;
        this.changes = changes;
    }

    public DeviceShadow shadow(DeviceRef device) {
        return store.find(device.key()).orElse(DeviceShadow.NONE);
    }

    /**
     * Replaces the desired document if its version is still {@code expectedVersion} (the {@code If-Match} value;
     * empty when the caller sent none, which is refused: a write must say which version it replaces).
     */
    public Outcome replaceDesired(DeviceRef device, JsonNode desired, Optional<Long> expectedVersion) {
        if (expectedVersion.isEmpty()) {
            return new Outcome.Refused(ErrorCode.PRECONDITION_REQUIRED, "If-Match must name the desired version "
                    + "this replaces, e.g. If-Match: \"" + shadow(device).desiredVersion() + "\", but was missing");
        }
        Outcome.Refused bad = document("desired", desired);
        if (bad != null) {
            return bad;
        }
        OptionalLong version = store.replaceDesired(device.key(), desired, expectedVersion.get(), clock.millis());
        if (version.isEmpty()) {
            return new Outcome.Refused(ErrorCode.VERSION_CONFLICT, "If-Match must name the current desired version "
                    + shadow(device).desiredVersion() + ", but was " + expectedVersion.get());
        }
        changes.desiredChanged(device);
        return new Outcome.Replaced(version.getAsLong());
    }

    public Outcome replaceReported(DeviceRef device, JsonNode reported) {
        Outcome.Refused bad = document("reported", reported);
        if (bad != null) {
            return bad;
        }
        return new Outcome.Replaced(store.replaceReported(device.key(), reported, clock.millis()));
    }

    /** A device's {@code state} frame, answered by {@code state_ack} or a {@code bad_message} error. */
    public HubMessage reportFrame(DeviceRef device, JsonNode frame) {
        JsonNode reported = frame.get("reported");
        Outcome outcome = reported == null ? document("reported", null) : replaceReported(device, reported);
        if (outcome instanceof Outcome.Refused refused) {
            return HubMessage.Error.of(refused.code(), refused.message());
        }
        return new HubMessage.StateAck(((Outcome.Replaced) outcome).version());
    }

    /** What a device hears on connect and after each desired change; nothing while it has no desired document. */
    public Optional<HubMessage.StateDelta> delta(DeviceRef device) {
        DeviceShadow shadow = shadow(device);
        return shadow.desiredVersion() == 0 ? Optional.empty()
                : Optional.of(new HubMessage.StateDelta(shadow.desiredVersion(), shadow.delta()));
    }

    private static Outcome.Refused document(String name, JsonNode document) {
        if (document == null || !document.isObject()) {
            return new Outcome.Refused(ErrorCode.BAD_MESSAGE, name + " must be a JSON object, but was "
                    + (document == null ? "missing" : Ids.echo(document.toString())));
        }
        int bytes = Wire.encode(document).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_DOCUMENT_BYTES) {
            return new Outcome.Refused(ErrorCode.BODY_TOO_LARGE, name + " must be at most " + MAX_DOCUMENT_BYTES
                    + " bytes of JSON, but was " + bytes);
        }
        return null;
    }
}
