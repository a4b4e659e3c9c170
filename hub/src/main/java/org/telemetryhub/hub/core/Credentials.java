package org.telemetryhub.hub.core;

/** A device as a ticket request sees it: its ref, its secret's hash, and the highest seq stored for it. */
public record Credentials(DeviceRef ref, String secretHash, long lastSeq) {}
