package org.telemetryhub.hub.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.core.AlertRule;

/**
 * The rules by what they watch: threshold rules by device id or namespace and then by metric, silence rules by device
 * id or namespace. A reading costs two lookups and one per metric it carries, however many rules there are.
 */
final class RuleIndex {

    static final RuleIndex EMPTY = new RuleIndex(List.of());

    private final Map<String, Map<String, List<AlertRule>>> thresholdsByDevice = new HashMap<>();
    private final Map<String, Map<String, List<AlertRule>>> thresholdsByNamespace = new HashMap<>();
    private final Map<String, List<AlertRule>> silencesByDevice = new HashMap<>();
    private final Map<String, List<AlertRule>> silencesByNamespace = new HashMap<>();
    private final Map<Long, AlertRule> byId = new HashMap<>();
    private final List<AlertRule> silences = new ArrayList<>();

    RuleIndex(List<AlertRule> rules) {
        for (AlertRule rule : rules) {
            byId.put(rule.ruleId(), rule);
            boolean byDevice = rule.deviceId() != null;
            String scope = byDevice ? rule.deviceId() : rule.namespace();
            if (rule.isSilence()) {
                silences.add(rule);
                (byDevice ? silencesByDevice : silencesByNamespace).computeIfAbsent(scope, k -> new ArrayList<>())
                        .add(rule);
            } else {
                (byDevice ? thresholdsByDevice : thresholdsByNamespace).computeIfAbsent(scope, k -> new HashMap<>())
                        .computeIfAbsent(rule.metric(), k -> new ArrayList<>()).add(rule);
            }
        }
    }

    /** The threshold rules of a device's metrics: by its id, then by its namespace; empty maps when none. */
    Map<String, List<AlertRule>> thresholds(String deviceId) {
        return thresholdsByDevice.getOrDefault(deviceId, Map.of());
    }

    Map<String, List<AlertRule>> namespaceThresholds(String namespace) {
        return thresholdsByNamespace.getOrDefault(namespace, Map.of());
    }

    /** The silence rules that watch a device. */
    List<AlertRule> silences(String deviceId, String namespace) {
        List<AlertRule> byDevice = silencesByDevice.getOrDefault(deviceId, List.of());
        List<AlertRule> byNamespace = silencesByNamespace.getOrDefault(namespace, List.of());
        if (byDevice.isEmpty() || byNamespace.isEmpty()) {
            return byDevice.isEmpty() ? byNamespace : byDevice;
        }
        List<AlertRule> both = new ArrayList<>(byDevice);
        both.addAll(byNamespace);
        return both;
    }

    boolean hasSilences() {
        return !silences.isEmpty();
    }

    /** True when some rule watches the device. */
    boolean watches(String deviceId, String namespace) {
        return !thresholds(deviceId).isEmpty() || !namespaceThresholds(namespace).isEmpty()
                || !silences(deviceId, namespace).isEmpty();
    }

    AlertRule rule(long ruleId) {
        return byId.get(ruleId);
    }
}
