package org.telemetryhub.hub.core;

/** A provisioned device: {@code key} is this provisioning's own number, {@code id} the name it was given. */
public record DeviceRef(long key, String id, String namespace, long reportIntervalMs) {}
