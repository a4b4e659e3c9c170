package org.telemetryhub.protocol;

import java.util.regex.Pattern;

/** The one rule for device ids, namespaces, usernames and metric names. */
public final class Ids {

    public static final String RULE = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
    private static final Pattern PATTERN = Pattern.compile(RULE);

    /** The lowest and highest seq a device may use (1 … 2^53−1, exact in a JSON double). */
    public static final long MIN_SEQ = 1;
    public static final long MAX_SEQ = (1L << 53) - 1;

    private Ids() {}

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** Input echoed back in a message, cut to 64 characters. */
    public static String echo(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
