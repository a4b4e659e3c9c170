package org.telemetryhub.hub.http;

import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.rooms.RoomAccess;
import org.telemetryhub.protocol.ErrorCode;

/**
 * The device named in the path, as an operator may see it: by the rooms' rules, so that no route shows what a room
 * refuses. A viewer outside the device's namespace, or asking for an id that does not exist, gets 403; an admin
 * asking for an unknown device gets 404.
 */
final class OperatorDevices {

    private final RoomAccess access;

    OperatorDevices(RoomAccess access) {
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
