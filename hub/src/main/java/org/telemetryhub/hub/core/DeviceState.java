package org.telemetryhub.hub.core;

import java.util.Map;

/** A device with what {@code GET /api/devices} shows of it: where its readings stand, its presence and its units. */
public record DeviceState(DeviceRef ref, ReadingCursor cursor, Presence presence, Map<String, String> units) {}
