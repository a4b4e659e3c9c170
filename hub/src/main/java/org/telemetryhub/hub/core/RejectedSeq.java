package org.telemetryhub.hub.core;

/** A seq refused for its content and never stored, with the code it was first refused with. */
public record RejectedSeq(long seq, String code) {}
