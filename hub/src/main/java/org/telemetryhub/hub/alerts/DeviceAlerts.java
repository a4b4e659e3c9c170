package org.telemetryhub.hub.alerts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.hub.core.DeviceRef;

/**
 * What the rules know of one device: the last offset judged, and per rule its unfinished alert and the condition
 * being timed ({@code forMs}). Used by the evaluator's thread only.
 */
final class DeviceAlerts {

    /** One rule's state for this device. */
    static final class RuleState {
        /** The rule's form this state was built under: a replaced rule starts timing afresh. */
        long since;
        Alert alert;
        Long pendingSince;
        long pendingOffset;

        void stopTiming() {
            pendingSince = null;
        }
    }

    DeviceRef device;
    long judgedOffset;
    long savedCheckpoint;
    private final Map<Long, RuleState> rules = new HashMap<>();

    DeviceAlerts(DeviceRef device, long judgedOffset, List<Alert> active) {
        this.device = device;
        this.judgedOffset = judgedOffset;
        this.savedCheckpoint = judgedOffset;
        for (Alert alert : active) {
            rules.computeIfAbsent(alert.ruleId(), id -> new RuleState()).alert = alert;
        }
    }

    RuleState rule(AlertRule rule) {
        RuleState state = rules.computeIfAbsent(rule.ruleId(), id -> new RuleState());
        if (state.since != rule.since()) {
            state.since = rule.since();
            state.stopTiming();
        }
        return state;
    }

    /** Forgets the states of rules that no longer exist. */
    void retain(RuleIndex index) {
        rules.keySet().removeIf(ruleId -> index.rule(ruleId) == null);
    }

    /**
     * The offset a restart replays after: the last one judged, or just before the first reading of a condition
     * still being timed, so that the replay times it again from its start.
     */
    long checkpoint() {
        long checkpoint = judgedOffset;
        for (RuleState state : rules.values()) {
            if (state.pendingSince != null) {
                checkpoint = Math.min(checkpoint, state.pendingOffset - 1);
            }
        }
        return checkpoint;
    }

    /**
     * True when the alert was unfinished just before the reading at {@code offset}: opened by an earlier reading and
     * not cleared by then. A replay after a restart meets alerts that later readings opened or cleared.
     */
    static boolean activeBefore(Alert alert, long offset) {
        if (alert == null || alert.openedOffset() >= offset) {
            return false;
        }
        return alert.clearedOffset() == null ? alert.isActive() : alert.clearedOffset() >= offset;
    }
}
