package org.telemetryhub.hub.core;

/** A device's presence as last recorded, with the version that orders its changes. */
public record Presence(String state, long version, Long at) {}
