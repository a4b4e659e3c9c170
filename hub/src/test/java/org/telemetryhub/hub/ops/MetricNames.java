package org.telemetryhub.hub.ops;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names in PromQL expressions and in a {@code /metrics} scrape, so that a dashboard or an alert rule that
 * names a series the hub does not export (a typo, a renamed meter, a histogram's {@code _bucket} of a summary) fails a
 * test instead of drawing an empty panel or never firing.
 */
final class MetricNames {

    /** Series Prometheus makes itself for every target, which no scrape holds. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:.])[a-zA-Z_:][\\w:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

    private MetricNames() {}

    /** The metric names an expression selects: not its functions, keywords, labels, label values or variables. */
    static Set<String> in(String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = VARIABLE.matcher(rest).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            int after = identifier.end();
            while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
                after++;
            }
            boolean call = after < rest.length() && rest.charAt(after) == '(';
            if (!call && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The metric names a Grafana variable's query selects: {@code label_values(selector, label)} or a bare query. */
    static Set<String> inVariableQuery(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        return in(labelValues.matches() ? labelValues.group(1) : query);
    }

    /** Every series name in a scrape in Prometheus text format, and the names Prometheus adds for each target. */
    static Set<String> exported(String scrape) {
        Set<String> names = new TreeSet<>(PROMETHEUS_OWN);
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
