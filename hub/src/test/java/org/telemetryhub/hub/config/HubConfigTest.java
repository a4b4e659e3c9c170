package org.telemetryhub.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings come from hub.yaml and HUB_* variables; a bad one stops the start naming the key, the rule and the value. */
class HubConfigTest {

    static final Path SHIPPED = Path.of(System.getProperty("project.root", ".."), "config", "hub.yaml");

    @TempDir
    Path dir;

    @Test
    void runs_with_no_config_file_at_all() {
        HubConfig config = ConfigLoader.load(null, Map.of());

        assertEquals("127.0.0.1", config.http().host());
        assertEquals(8080, config.http().port());
        assertEquals("embedded", config.mqtt().mode());
        assertEquals(1883, config.mqtt().port());
        assertTrue(config.store().url().startsWith("jdbc:h2:file:"));
        assertTrue(config.store().url().endsWith(";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=1024;COMPRESS=TRUE;QUERY_CACHE_SIZE=64"), config.store().url());
    }

    @Test
    void the_shipped_hub_yaml_loads_and_equals_the_defaults() {
        assertEquals(ConfigLoader.load(null, Map.of()), ConfigLoader.load(SHIPPED, Map.of()));
    }

    @Test
    void the_shipped_hub_yaml_documents_every_setting() throws Exception {
        String text = Files.readString(SHIPPED);
        Settings settings = ConfigLoader.settings(null, Map.of());
        HubConfig.from(settings);

        for (String key : settings.readKeys()) {
            String leaf = key.substring(key.lastIndexOf('.') + 1);
            assertTrue(text.matches("(?s).*\\n\\s*(# )?" + leaf + ":.*"), key + " is not documented in hub.yaml");
        }
    }

    @Test
    void the_environment_overrides_the_file() throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, "http:\n  port: 9000\n");

        HubConfig config = ConfigLoader.load(file, Map.of("HUB_HTTP_PORT", "9100", "HUB_STORE_DIR", "/srv/hub"));

        assertEquals(9100, config.http().port());
        assertEquals(Path.of("/srv/hub"), config.store().dir());
    }

    @Test
    void a_bad_value_names_the_key_the_rule_the_value_and_its_origin() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_HTTP_PORT", "eighty")));

        assertEquals("http.port must be an integer in [0, 65535], but was \"eighty\" (from HUB_HTTP_PORT)",
                e.getMessage());
    }

    @Test
    void an_unknown_key_is_refused_as_a_likely_typo() throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, "http:\n  prot: 9000\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertEquals("unknown setting http.prot (from " + file + ")", e.getMessage());
    }

    @Test
    void an_unknown_hub_variable_stops_the_start_naming_it_and_the_nearest_setting_but_never_its_value() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_HTTP_PROT", "s3cret-9000", "PATH", "/usr/bin")));

        assertEquals("unknown variable HUB_HTTP_PROT in the environment (every HUB_* variable must name a setting; "
                + "the nearest is HUB_HTTP_PORT, for http.port)", e.getMessage());
    }

    @Test
    void variables_outside_the_hub_prefix_are_not_settings() {
        HubConfig config = ConfigLoader.load(null, Map.of("TEST_POSTGRES_URL", "jdbc:postgresql://db/x",
                "JVM_OPTS", "-Xmx1g"));

        assertEquals(8080, config.http().port());
    }

    @Test
    void a_ticket_lifetime_over_sixty_seconds_is_refused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_TICKETS_TTLMS", "120000")));

        assertTrue(e.getMessage().startsWith("tickets.ttlMs must be an integer in [1000, 60000]"), e.getMessage());
    }

    @Test
    void a_burst_smaller_than_a_batch_is_refused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_LIMITS_DEVICEBURST", "100")));

        assertEquals("limits.deviceBurst must hold a full batch (ingest.maxBatch = 500), but was \"100\" "
                + "(from HUB_LIMITS_DEVICEBURST)", e.getMessage());
    }

    @Test
    void namespace_ranges_are_read_per_metric() throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, "namespaces:\n  plant-a:\n    ranges:\n      temperature: {min: -40, max: 85}\n");

        HubConfig config = ConfigLoader.load(file, Map.of());

        assertEquals(new HubConfig.Range(-40, 85), config.namespaces().get("plant-a").ranges().get("temperature"));
    }

    @Test
    void invalid_yaml_is_reported_with_the_file() throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, "http: [unclosed\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));

        assertTrue(e.getMessage().startsWith("config file " + file + " is not valid YAML"), e.getMessage());
    }

    @Test
    void external_mqtt_needs_a_broker_url_and_a_secret() {
        ConfigException noUrl = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_MQTT_MODE", "external")));
        ConfigException noSecret = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("HUB_MQTT_MODE", "external", "HUB_MQTT_BROKERURL", "mqtt://broker:1883")));

        assertEquals("mqtt.brokerUrl must be set when mqtt.mode is external, but was missing", noUrl.getMessage());
        assertEquals("mqtt.brokerSecret must be set when mqtt.mode is external, but was missing",
                noSecret.getMessage());
    }

    @Test
    void mqtt_settings_are_checked_naming_the_key_the_rule_and_the_value() {
        ConfigException mode = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_MQTT_MODE", "bridge")));
        ConfigException url = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_MQTT_BROKERURL", "http://broker:1883")));
        ConfigException secret = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_MQTT_BROKERSECRET", "short")));
        ConfigException node = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("HUB_MQTT_NODEID", "node/1")));

        assertEquals("mqtt.mode must be one of embedded|external|off, but was \"bridge\" (from HUB_MQTT_MODE)",
                mode.getMessage());
        assertEquals("mqtt.brokerUrl must be a URL such as mqtt://broker.example.com:1883 or "
                + "mqtts://broker.example.com:8883, but was \"http://broker:1883\" (from HUB_MQTT_BROKERURL)",
                url.getMessage());
        assertEquals("mqtt.brokerSecret must be at least 16 characters long, but was 5", secret.getMessage());
        assertEquals("mqtt.nodeId must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, but was \"node/1\" "
                + "(from HUB_MQTT_NODEID)", node.getMessage());
    }

    @Test
    void external_mqtt_reads_the_broker_settings() {
        HubConfig config = ConfigLoader.load(null, Map.of("HUB_MQTT_MODE", "external", "HUB_MQTT_BROKERURL",
                "mqtts://broker.example.com:8883", "HUB_MQTT_BROKERSECRET", "0123456789abcdef", "HUB_MQTT_NODEID",
                "eu-1"));

        assertEquals("mqtts://broker.example.com:8883", config.mqtt().brokerUrl().orElseThrow().toString());
        assertEquals("hub", config.mqtt().brokerUsername());
        assertEquals("eu-1", config.mqtt().nodeId());
    }
}
