package org.telemetryhub.hub.http;

import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.rooms.RoomAccess;
import org.telemetryhub.protocol.ErrorCode;

/**
 * The device a route's {@code {id}} names, as the rooms' access rules let the operator see it: a viewer gets 403 for
 * a device outside its namespaces and for an unknown id (so ids cannot be probed), an admin 404 for an unknown id.
 */
public final class DeviceAccess {

    private final RoomAccess access;

    public DeviceAccess(RoomAccess access) {
        this.access = access;
    }

    DeviceRef visible(Exchange exchange, Operator operator) {
        RoomAccess.Verdict verdict = access.device(operator, exchange.path("id"));
        if (verdict.refusal() == null) {
            return verdict.device();
        }
        boolean forbidden = verdict.refusal().error().equals("forbidden");
        throw new ApiError(forbidden ? 403 : 404, forbidden ? ErrorCode.FORBIDDEN : ErrorCode.UNKNOWN_DEVICE,
                verdict.refusal().message());
    }
}
