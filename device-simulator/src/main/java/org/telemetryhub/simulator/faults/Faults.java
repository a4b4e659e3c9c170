package org.telemetryhub.simulator.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The trouble a fleet makes on request. Periods are in seconds (0 = never), shares in [0, 1].
 *
 * @param dropEverySeconds each device closes its connection this often and reconnects with a fresh ticket
 * @param cutEverySeconds  each device drops its TCP connection without a close handshake this often
 * @param duplicateShare   share of frames sent twice in a row
 * @param outOfOrderShare  share of readings held back and sent after the next one
 * @param invalidShare     share of readings made invalid on purpose (each must be rejected)
 * @param clockSkewMs      each device's clock is off by up to this much, either way
 * @param burstEverySeconds each device sends {@code burstSize} extra readings at once this often
 * @param burstSize        readings in a burst
 * @param slowShare        share of devices on a slow link: one frame in flight, each sent {@code slowDelayMs} late
 * @param slowDelayMs      the slow link's delay
 */
public record Faults(double dropEverySeconds, double cutEverySeconds, double duplicateShare, double outOfOrderShare,
                     double invalidShare, long clockSkewMs, double burstEverySeconds, int burstSize,
                     double slowShare, long slowDelayMs) {

    public Faults {
        period("--drop-every", dropEverySeconds);
        period("--cut-every", cutEverySeconds);
        period("--burst-every", burstEverySeconds);
        share("--duplicates", duplicateShare);
        share("--out-of-order", outOfOrderShare);
        share("--invalid", invalidShare);
        share("--slow", slowShare);
        if (clockSkewMs < 0 || clockSkewMs > 86_400_000L) {
            throw new IllegalArgumentException("--clock-skew must be in [0, 86400000] ms, but was " + clockSkewMs);
        }
        if (burstSize < 0 || burstSize > 100_000) {
            throw new IllegalArgumentException("--burst-size must be in [0, 100000], but was " + burstSize);
        }
        if (slowDelayMs < 0 || slowDelayMs > 60_000) {
            throw new IllegalArgumentException("--slow-delay must be in [0, 60000] ms, but was " + slowDelayMs);
        }
    }

    public static Faults none() {
        return new Faults(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static void period(String option, double seconds) {
        if (!(seconds >= 0) || seconds > 86_400) {
            throw new IllegalArgumentException(option + " must be in [0, 86400] seconds (0 = never), but was "
                    + seconds);
        }
    }

    private static void share(String option, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(option + " must be a share in [0, 1], but was " + share);
        }
    }

    /** One line for the run's header, e.g. {@code drop every 2 s, duplicates 10%}; {@code none} when none. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (dropEverySeconds > 0) {
            parts.add(String.format(Locale.ROOT, "drop every %.3g s", dropEverySeconds));
        }
        if (cutEverySeconds > 0) {
            parts.add(String.format(Locale.ROOT, "cut TCP every %.3g s", cutEverySeconds));
        }
        if (duplicateShare > 0) {
            parts.add(percent("duplicates", duplicateShare));
        }
        if (outOfOrderShare > 0) {
            parts.add(percent("out of order", outOfOrderShare));
        }
        if (invalidShare > 0) {
            parts.add(percent("invalid", invalidShare));
        }
        if (clockSkewMs > 0) {
            parts.add("clock skew up to " + clockSkewMs + " ms");
        }
        if (burstEverySeconds > 0 && burstSize > 0) {
            parts.add(String.format(Locale.ROOT, "bursts of %d every %.3g s", burstSize, burstEverySeconds));
        }
        if (slowShare > 0) {
            parts.add(percent("slow devices", slowShare) + " (" + slowDelayMs + " ms late)");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String percent(String what, double share) {
        return String.format(Locale.ROOT, "%s %.3g%%", what, share * 100);
    }
}
