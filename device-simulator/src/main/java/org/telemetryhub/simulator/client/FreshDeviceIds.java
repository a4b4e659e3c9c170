package org.telemetryhub.simulator.client;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Ids for the devices one run of a tool provisions: {@code <tool>-<run>-<n>}, such as {@code sim-k3x9q2-00001}. The
 * run part is random, so a run never asks the hub for an id an earlier run already took, and one run's devices share
 * a prefix.
 */
public final class FreshDeviceIds {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String prefix;

    private FreshDeviceIds(String prefix) {
        this.prefix = prefix;
    }

    /** Ids for a new run of {@code tool}, e.g. {@code sim} or {@code bench}. */
    public static FreshDeviceIds forRun(String tool) {
        SecureRandom random = new SecureRandom();
        StringBuilder run = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            run.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new FreshDeviceIds(tool + "-" + run + "-");
    }

    /** The id of the run's device {@code n}, counted from 1. */
    public String id(int n) {
        return String.format(Locale.ROOT, "%s%05d", prefix, n);
    }
}
