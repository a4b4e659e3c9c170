package org.telemetryhub.hub.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.OptionalLong;

/** Devices' desired and reported documents, shared by every hub node; each write holds the device's lock. */
public interface StateStore {

    Optional<DeviceShadow> find(long deviceKey);

    /** Replaces the desired document when its version is {@code expectedVersion}; the new version, or empty. */
    OptionalLong replaceDesired(long deviceKey, JsonNode desired, long expectedVersion, long now);

    /** Replaces the reported document; its new version. */
    long replaceReported(long deviceKey, JsonNode reported, long now);
}
