package org.telemetryhub.hub.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Reads {@code hub.yaml} (optional) and the environment into {@link Settings}. */
public final class ConfigLoader {

    private ConfigLoader() {}

    public static HubConfig load(Path file, Map<String, String> environment) {
        return HubConfig.from(settings(file, environment));
    }

    public static Settings settings(Path file, Map<String, String> environment) {
        Map<String, String> flat = new TreeMap<>();
        String name = "no file";
        if (file != null) {
            name = file.toString();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            try {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                if (root != null && !root.isMissingNode() && !root.isNull()) {
                    if (!root.isObject()) {
                        throw new ConfigException("config file " + file + " must hold a mapping of settings");
                    }
                    flatten("", root, flat, file);
                }
            } catch (JsonProcessingException e) {
                throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
            }
        }
        return new Settings(flat, name, environment);
    }

    /** Settings from a plain map, as tests and embedding code build them. */
    public static Settings settings(Map<String, String> values) {
        return new Settings(values, "settings", Map.of());
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key, value, out, file);
            } else if (value.isValueNode() && !value.isNull()) {
                out.put(key, value.asText());
            } else if (!value.isNull()) {
                throw new ConfigException(key + " must be a single value, but was a list (from " + file + ")");
            }
        }
    }
}
