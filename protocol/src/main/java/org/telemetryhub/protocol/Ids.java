package org.telemetryhub.protocol;

/** The one rule for device ids, namespaces, usernames and metric names. */
public final class Ids {

    public static final String RULE = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

    /** The lowest and highest seq a device may use (1 … 2^53−1, exact in a JSON double). */
    public static final long MIN_SEQ = 1;
    public static final long MAX_SEQ = (1L << 53) - 1;

    private Ids() {}

    /** Whether the id follows {@link #RULE}; checked for every metric of every reading, so without a matcher. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > 64 || !isAlphanumeric(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAlphanumeric(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** Input echoed back in a message, cut to 64 characters. */
    public static String echo(String input) {
        return input.length() <= 64 ? input : input.substring(0, 64) + "...";
    }
}
