package org.telemetryhub.hub.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.store.AlertStore;
import org.telemetryhub.hub.store.DeviceStore;

/** Alert rules and alerts as operators use them: the rules' definitions, the alerts, acknowledging one. */
public final class Alerts implements AutoCloseable {

    private final AlertStore store;
    private final DeviceStore devices;
    private final Transitions transitions;
    private final Evaluator evaluator;
    private final Clock clock;

    public Alerts(AlertStore store, ReadingStore readings, DeviceStore devices, Feed feed, Clock clock,
                  long checkpointMs, Consumer<String> transitionCounted) {
        this.store = store;
        this.devices = devices;
        this.clock = clock;
        this.transitions = new Transitions(store, feed, transitionCounted);
        this.evaluator = new Evaluator(store, readings, devices, feed, transitions, clock, checkpointMs);
    }

    /** Judges the readings stored since the last checkpoints; before the hub takes new readings. */
    public void start() throws InterruptedException {
        evaluator.start();
    }

    public AlertRule createRule(JsonNode body) throws InvalidDefinition {
        AlertRule rule = store.createRule(RuleParser.parse(body, clock.millis()));
        evaluator.rulesChanged();
        return rule;
    }

    /** Replaces a rule's definition (its conditions are timed afresh); empty when there is no such rule. */
    public Optional<AlertRule> replaceRule(long ruleId, JsonNode body) throws InvalidDefinition {
        AlertRule rule = RuleParser.parse(body, clock.millis()).withId(ruleId, clock.millis());
        if (!store.replaceRule(rule)) {
            return Optional.empty();
        }
        evaluator.rulesChanged();
        return Optional.of(rule);
    }

    /** Deletes a rule and clears its unfinished alerts; false when there is no such rule. */
    public boolean deleteRule(long ruleId) {
        Optional<List<Alert>> cleared = store.deleteRule(ruleId, clock.millis());
        cleared.ifPresent(alerts -> alerts.forEach(alert -> transitions.announce(device(alert), alert, "cleared")));
        evaluator.rulesChanged();
        return cleared.isPresent();
    }

    public List<AlertRule> rules() {
        return store.rules();
    }

    public Optional<AlertRule> rule(long ruleId) {
        return store.rule(ruleId);
    }

    public List<Alert> query(AlertStore.Query query) {
        return store.query(query);
    }

    public Optional<Alert> alert(long alertId) {
        return store.alert(alertId);
    }

    /** The open and acknowledged alerts of a device, as a dashboard's snapshot shows them. */
    public List<Alert> active(long deviceKey) {
        return store.active(deviceKey);
    }

    /** Acknowledges an open alert; one acknowledged or cleared before is returned as it is. */
    public Optional<Alert> acknowledge(Alert alert, String by) {
        return transitions.acknowledge(device(alert), alert.alertId(), by, clock.millis());
    }

    /** A deleted device: the rules forget it. */
    public void forget(long deviceKey) {
        evaluator.forget(deviceKey);
    }

    @Override
    public void close() {
        evaluator.close();
    }

    /** The alert's device, unless it was deleted since (then no room hears of it). */
    private DeviceRef device(Alert alert) {
        return devices.state(alert.deviceKey()).map(DeviceState::ref).orElse(null);
    }
}
