package org.telemetryhub.hub.config;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;
import org.telemetryhub.protocol.Ids;

/**
 * Flat {@code key -> text} settings from the YAML file, each overridable by {@code HUB_<KEY>} in the environment, with
 * typed reads that fail naming the key, the rule, the value and where it came from. Every read marks its key as
 * known, so {@link #rejectUnknownKeys()} can catch typos.
 */
public final class Settings {

    /** Environment variables with this prefix are settings; an unknown one stops the start. */
    public static final String ENV_PREFIX = "HUB_";

    private final Map<String, String> values = new TreeMap<>();
    private final Map<String, String> origins = new TreeMap<>();
    private final Map<String, String> environment;
    private final Set<String> read = new TreeSet<>();

    Settings(Map<String, String> fileValues, String fileName, Map<String, String> environment) {
        fileValues.forEach((key, value) -> {
            values.put(key, value);
            origins.put(key, fileName);
        });
        this.environment = environment;
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Keys in the file under {@code prefix.}, for open-ended sections such as per-namespace rules. */
    public Set<String> keysUnder(String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix + ".")) {
                keys.add(key);
            }
        }
        return keys;
    }

    public Optional<String> text(String key) {
        read.add(key);
        String fromEnv = environment.get(envName(key));
        if (fromEnv != null) {
            origins.put(key, envName(key));
            return Optional.of(fromEnv);
        }
        return Optional.ofNullable(values.get(key));
    }

    public String text(String key, String fallback) {
        return text(key).orElse(fallback);
    }

    public long integer(String key, long fallback, long min, long max) {
        Optional<String> raw = text(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.get().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw invalid(key, "must be an integer in [" + min + ", " + max + "]", raw.get());
    }

    public int smallInteger(String key, int fallback, int min, int max) {
        return (int) integer(key, fallback, min, max);
    }

    public double number(String key) {
        String raw = text(key).orElseThrow();
        try {
            double value = Double.parseDouble(raw.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw invalid(key, "must be a finite number", raw);
    }

    public boolean bool(String key, boolean fallback) {
        Optional<String> raw = text(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "must be true or false", raw.get());
        };
    }

    public String choice(String key, String fallback, Set<String> allowed) {
        String value = text(key, fallback).trim();
        if (!allowed.contains(value)) {
            throw invalid(key, "must be one of " + String.join("|", new TreeSet<>(allowed)), value);
        }
        return value;
    }

    public ConfigException invalid(String key, String rule, String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        String origin = origins.getOrDefault(key, "default");
        return new ConfigException(key + " " + rule + ", but was \"" + shown + "\" (from " + origin + ")");
    }

    /** Every key some component asked for, for documentation checks. */
    public Set<String> readKeys() {
        return Set.copyOf(read);
    }

    /**
     * Fails on a key in the file, or a {@code HUB_*} variable in the environment, that no component read: almost
     * always a typo, which would otherwise leave the setting at its default without a word. A variable's value is
     * never shown (it may be a secret); the nearest known variable is.
     */
    public void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new ConfigException("unknown setting " + key + " (from " + origins.get(key) + ")");
            }
        }
        Map<String, String> known = new TreeMap<>();
        read.forEach(key -> known.put(envName(key), key));
        for (String variable : new TreeSet<>(environment.keySet())) {
            if (variable.startsWith(ENV_PREFIX) && !known.containsKey(variable)) {
                String nearest = nearest(variable, known.keySet());
                throw new ConfigException("unknown variable " + Ids.echo(variable) + " in the environment (every "
                        + ENV_PREFIX + "* variable must name a setting; the nearest is " + nearest + ", for "
                        + known.get(nearest) + ")");
            }
        }
    }

    private static String nearest(String variable, Set<String> candidates) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        return candidates.stream().min(Comparator.comparingInt((String c) -> distance.apply(variable, c))
                .thenComparing(Comparator.naturalOrder())).orElseThrow();
    }
}
