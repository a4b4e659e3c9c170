package org.telemetryhub.hub.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.config.Settings;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * The operator's kit (config/grafana, config/prometheus, config/systemd, the Containerfile) works against the hub as
 * it is: every query names a metric the hub exports, every HUB_* variable names a setting, the health check reads the
 * hub's readiness.
 */
class OperatorKitTest {

    @Test
    void every_metric_the_dashboard_and_the_alert_rules_query_is_one_the_hub_exports() {
        Map<String, String> queries = new LinkedHashMap<>(OperatorKit.grafanaQueries());
        queries.putAll(OperatorKit.alertExpressions());
        Map<String, Set<String>> named = new LinkedHashMap<>();
        queries.forEach((where, expression) -> named.put(where, MetricNames.in(expression)));
        OperatorKit.grafanaVariableQueries()
                .forEach((where, query) -> named.put(where, MetricNames.inVariableQuery(query)));

        Set<String> exported;
        try (TestHub hub = TestHub.start()) {
            readingAndRejection(hub);
            exported = MetricNames.exported(hub.anonymous().get("/metrics").raw().body());
        }

        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        named.forEach((where, names) -> {
            Set<String> missing = new TreeSet<>(names);
            missing.removeAll(exported);
            if (!missing.isEmpty()) {
                unknown.put(where, missing);
            }
        });
        assertEquals(Map.of(), unknown, "queries name metrics the hub does not export");
        named.forEach((where, names) -> assertFalse(names.isEmpty(), where + " names no metric"));
        Set<String> all = named.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertTrue(all.containsAll(Set.of("hub_readings_accepted_total", "hub_ack_latency_seconds",
                "hub_commit_duration_seconds", "hub_connections_transport", "hub_dashboard_queue_max",
                "hub_readings_rejected_total", "hub_frames_refused_total", "hub_alerts_active",
                "hub_alerts_transitions_total", "hub_store_disk_free_bytes")), "the dashboard covers " + all);
    }

    @Test
    void every_panel_of_the_dashboard_has_a_query_on_the_prometheus_input() {
        JsonNode dashboard = OperatorKit.grafana();

        assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").path(0).path("name").asText());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "schemaVersion " + dashboard.path("schemaVersion"));
        Set<Integer> ids = new HashSet<>();
        assertTrue(dashboard.path("panels").size() >= 10);
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + title);
            assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(), title);
            assertFalse(panel.path("targets").isEmpty(), title + " has no query");
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), title + " has an empty query");
                assertEquals("${DS_PROMETHEUS}", target.path("datasource").path("uid").asText(), title);
            }
            assertTrue(panel.path("gridPos").path("w").asInt() > 0, title + " has no place on the grid");
        }
    }

    @Test
    void every_alert_rule_has_a_severity_a_summary_and_a_description_and_prometheus_names_the_rules_file() {
        JsonNode rules = OperatorKit.alertRules().path("groups").path(0).path("rules");

        assertTrue(rules.size() >= 5);
        Set<String> names = new HashSet<>();
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertTrue(names.add(name), "alert names are unique: " + name);
            assertTrue(Set.of("critical", "warning", "info").contains(rule.path("labels").path("severity").asText()),
                    name + " severity");
            assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + " summary");
            assertFalse(rule.path("annotations").path("description").asText().isBlank(), name + " description");
        }
        assertTrue(names.containsAll(Set.of("TelemetryHubDown", "TelemetryHubRefusingReadings",
                "TelemetryHubDiskLow", "TelemetryHubAckLatencyHigh", "TelemetryHubRejectionsSpike")));
        JsonNode ruleFiles = OperatorKit.prometheus().path("rule_files");
        assertEquals(OperatorKit.ALERT_RULES.getFileName().toString(), ruleFiles.path(0).asText());
        assertEquals("/metrics", OperatorKit.prometheus().path("scrape_configs").path(0).path("metrics_path").asText());
    }

    @Test
    void every_hub_variable_the_unit_and_the_container_recipe_name_is_a_setting() {
        Settings settings = ConfigLoader.settings(null, Map.of());
        HubConfig.from(settings);
        Set<String> known = settings.readKeys().stream().map(Settings::envName).collect(Collectors.toSet());

        for (var file : List.of(OperatorKit.SYSTEMD_UNIT, OperatorKit.CONTAINERFILE, OperatorKit.HEALTH_CHECK)) {
            List<String> variables = OperatorKit.hubVariables(file);
            assertFalse(variables.isEmpty(), file + " names no HUB_* variable");
            for (String variable : variables) {
                assertTrue(known.contains(variable), file.getFileName() + " names " + variable + ", no setting");
            }
        }
    }

    @Test
    void the_unit_and_the_container_start_the_hub_with_their_settings_as_an_unprivileged_user_with_the_jvm_options() {
        Map<String, String> unit = OperatorKit.unitEnvironment();
        Map<String, String> container = OperatorKit.containerEnvironment();

        HubConfig underSystemd = ConfigLoader.load(OperatorKit.HUB_YAML, unit);
        assertEquals("/var/lib/telemetry-hub", underSystemd.store().dir().toString());
        String jvmOptions = OperatorKit.jvmOptions();
        assertTrue(jvmOptions.contains("-Xmx256m"), jvmOptions);
        assertEquals("/usr/bin/java " + jvmOptions + " -jar /opt/telemetry-hub/hub.jar /etc/telemetry-hub/hub.yaml",
                OperatorKit.unitSetting("ExecStart"));
        assertEquals("yes", OperatorKit.unitSetting("DynamicUser"));
        assertEquals("", OperatorKit.unitSetting("CapabilityBoundingSet"));

        HubConfig inContainer = ConfigLoader.load(OperatorKit.HUB_YAML, container);
        assertEquals("0.0.0.0", inContainer.http().host());
        Map<String, String> behindProxy = new LinkedHashMap<>(container);
        behindProxy.put("HUB_HTTP_PUBLICORIGIN", "https://hub.example.com");
        ConfigLoader.load(OperatorKit.HUB_YAML, behindProxy);
        assertEquals("/var/lib/telemetry-hub", inContainer.store().dir().toString());
        assertEquals(jvmOptions, container.get("JDK_JAVA_OPTIONS"));
        String recipe = OperatorKit.text(OperatorKit.CONTAINERFILE);
        assertTrue(recipe.contains("\nUSER hub:hub\n"), "the container runs as hub, not root");
        assertTrue(recipe.contains("COPY config/container/healthcheck.sh /opt/telemetry-hub/healthcheck.sh")
                && recipe.contains("CMD [\"/opt/telemetry-hub/healthcheck.sh\"]"), "the health check is the script");
        assertTrue(recipe.contains("COPY --from=build /src/hub/target/hub.jar /opt/telemetry-hub/hub.jar")
                && recipe.contains("\"-jar\", \"/opt/telemetry-hub/hub.jar\""), "the container runs the shaded jar");
    }

    @Test
    void the_container_health_check_passes_against_a_ready_hub_and_fails_once_it_is_gone() throws Exception {
        assertTrue(Files.isExecutable(OperatorKit.HEALTH_CHECK), "the health check is executable");
        int port;
        int whileUp;
        try (TestHub hub = TestHub.start()) {
            port = URI.create(hub.url()).getPort();
            whileUp = healthCheck(port);
        }

        int whenGone = healthCheck(port);

        assertEquals(0, whileUp);
        assertNotEquals(0, whenGone);
    }

    /** One device reading stored and one rejected, so that the series made on first use exist. */
    private static void readingAndRejection(TestHub hub) {
        Api admin = hub.admin();
        Api.Device device = admin.provision("meter-1");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(List.of(
                    new Reading(1, System.currentTimeMillis(), Map.of("temperature", 20.0)),
                    new Reading(2, 1_000, Map.of("temperature", 20.0)))));
            client.next(m -> m.path("type").asText().equals("rejected"));
            client.ack(1);
        }
    }

    private static int healthCheck(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", OperatorKit.HEALTH_CHECK.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("HUB_HTTP_PORT", String.valueOf(port));
        Process check = builder.start();
        if (!check.waitFor(10, TimeUnit.SECONDS)) {
            check.destroyForcibly();
            throw new AssertionError("the health check took over 10 s");
        }
        return check.exitValue();
    }
}
