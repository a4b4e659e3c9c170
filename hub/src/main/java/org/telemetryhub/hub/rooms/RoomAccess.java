package org.telemetryhub.hub.rooms;

import java.util.Optional;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.protocol.Ids;

/**
 * Who may see which device or namespace: an admin every one, a viewer only those of its namespaces. The rooms, the
 * SSE stream and the history routes ask the same rules, so an operator never sees through one what another refuses.
 */
public final class RoomAccess {

    /** Either the device the operator may see, or the error to answer. */
    public record Verdict(DeviceRef device, DashboardMessage.Error refusal) {}

    private final DeviceStore devices;

    RoomAccess(DeviceStore devices) {
        this.devices = devices;
    }

    /** A viewer may see a device only in its namespaces, and unknown ids are forbidden, not unknown. */
    public Verdict device(Operator operator, String deviceId) {
        Optional<DeviceRef> device = Ids.isValid(deviceId) ? devices.find(deviceId) : Optional.empty();
        if (!operator.isAdmin() && (device.isEmpty() || !operator.namespaces().contains(device.get().namespace()))) {
            return new Verdict(null, DashboardMessage.Error.of("forbidden", "operator " + operator.username()
                    + " may not see device " + Ids.echo(deviceId), Ids.echo(deviceId), null));
        }
        if (device.isEmpty()) {
            return new Verdict(null, DashboardMessage.Error.of("unknown_device", "device " + Ids.echo(deviceId)
                    + " is not provisioned", Ids.echo(deviceId), null));
        }
        return new Verdict(device.get(), null);
    }

    /** The error to answer a namespace subscription with, or null when the operator may see the namespace. */
    DashboardMessage.Error namespaceRefusal(Operator operator, String namespace) {
        if (!Ids.isValid(namespace)) {
            return DashboardMessage.Error.of("bad_message", "namespace must match " + Ids.RULE + ", but was \""
                    + Ids.echo(namespace) + "\"", null, Ids.echo(namespace));
        }
        if (!operator.isAdmin() && !operator.namespaces().contains(namespace)) {
            return DashboardMessage.Error.of("forbidden", "operator " + operator.username()
                    + " may not see namespace " + namespace, null, namespace);
        }
        return null;
    }
}
