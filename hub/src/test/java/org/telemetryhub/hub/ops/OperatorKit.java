package org.telemetryhub.hub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operator's kit as shipped: the files under config/ and the Containerfile, read as an operator's tools would. */
final class OperatorKit {

    static final Path ROOT = Path.of(System.getProperty("project.root", ".."));
    static final Path GRAFANA = ROOT.resolve("config/grafana/telemetry-hub.json");
    static final Path PROMETHEUS = ROOT.resolve("config/prometheus/prometheus.yml");
    static final Path ALERT_RULES = ROOT.resolve("config/prometheus/hub-alerts.yml");
    static final Path SYSTEMD_UNIT = ROOT.resolve("config/systemd/telemetry-hub.service");
    static final Path CONTAINERFILE = ROOT.resolve("Containerfile");
    static final Path HEALTH_CHECK = ROOT.resolve("config/container/healthcheck.sh");
    static final Path HUB_YAML = ROOT.resolve("config/hub.yaml");
    static final Path JVM_OPTIONS = ROOT.resolve("config/jvm.options");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern HUB_VARIABLE = Pattern.compile("\\bHUB_[A-Z0-9_]+");

    private OperatorKit() {}

    static JsonNode grafana() {
        return read(JSON, GRAFANA);
    }

    static JsonNode alertRules() {
        return read(YAML, ALERT_RULES);
    }

    static JsonNode prometheus() {
        return read(YAML, PROMETHEUS);
    }

    /** Every PromQL query of the dashboard, its panels' and its variables', each under where it was found. */
    static Map<String, String> grafanaQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : grafana().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel \"" + panel.path("title").asText() + "\" query " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return queries;
    }

    static Map<String, String> grafanaVariableQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode variable : grafana().path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                queries.put("variable " + variable.path("name").asText(), variable.path("definition").asText());
            }
        }
        return queries;
    }

    /** Every alert rule's expression, under the rule's name. */
    static Map<String, String> alertExpressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode group : alertRules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        return expressions;
    }

    /** The HUB_* variable names a file mentions anywhere: in settings and in the comments that advise them. */
    static List<String> hubVariables(Path file) {
        List<String> names = new ArrayList<>();
        Matcher matcher = HUB_VARIABLE.matcher(text(file));
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /** The unit's {@code Environment=NAME=value} settings. */
    static Map<String, String> unitEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : text(SYSTEMD_UNIT).split("\n")) {
            if (line.startsWith("Environment=")) {
                String assignment = line.substring("Environment=".length());
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return environment;
    }

    /** The unit's value of a key of its [Service] section, e.g. ExecStart. */
    static String unitSetting(String key) {
        for (String line : text(SYSTEMD_UNIT).split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        throw new AssertionError(SYSTEMD_UNIT + " has no " + key);
    }

    /** The runtime stage's {@code ENV} settings (one ENV instruction of NAME=value pairs, continued by backslashes). */
    static Map<String, String> containerEnvironment() {
        String text = text(CONTAINERFILE).replace("\\\n", " ");
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("ENV ")) {
                Matcher pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(line.substring(4));
                while (pair.find()) {
                    environment.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return environment;
    }

    /** The recommended JVM options as one command line: the argument file without its comments. */
    static String jvmOptions() {
        return text(JVM_OPTIONS).lines().map(line -> line.replaceAll("#.*", "").strip())
                .filter(line -> !line.isEmpty()).collect(java.util.stream.Collectors.joining(" "));
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + " does not parse", e);
        }
    }
}
