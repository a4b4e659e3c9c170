package org.telemetryhub.hub.alerts;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.rooms.FeedEvent;
import org.telemetryhub.hub.store.AlertStore;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Judges every committed reading against the rules that watch its device, on one thread, in offset order per
 * device, after the commit (so ingest never waits for it). A threshold rule opens an alert with the first reading
 * that finds its condition held for {@code forMs} of hub commit time, and clears it with the first reading past its
 * clear threshold; a silence rule opens one, once a second's check finds a device silent for {@code forMs}, and its
 * next reading clears it.
 *
 * <p>Nothing is written per reading: every few seconds each device's checkpoint (the last offset judged, or just
 * before a condition still being timed) is saved, and a start replays the readings after it. Judging a reading
 * twice changes nothing, because the store refuses a second alert for the same opening reading and clears an alert
 * once; so a replay, and a second node that judges the same readings from the shared feed, raise one alert.
 */
public final class Evaluator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Evaluator.class);
    private static final int PAGE = 1_000;
    private static final long GATHER_MS = 1;

    private final AlertStore store;
    private final ReadingStore readings;
    private final DeviceStore devices;
    private final Feed feed;
    private final Transitions transitions;
    private final Clock clock;
    private final long checkpointMs;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "alerts"));
    private final Map<Long, DeviceAlerts> states = new HashMap<>();
    private Map<Long, Long> checkpoints = Map.of();
    private RuleIndex index = RuleIndex.EMPTY;
    private long revision = -1;
    private Feed.Registration registration;
    /**
     * Readings heard and not yet judged: the feed's thread adds, and wakes this thread once for all it adds within
     * {@link #GATHER_MS} (a commit's readings are published one by one: waking for each cost a wake-up per reading).
     */
    private final Queue<FeedEvent.ReadingCommitted> heard = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean judging = new AtomicBoolean();

    Evaluator(AlertStore store, ReadingStore readings, DeviceStore devices, Feed feed, Transitions transitions,
              Clock clock, long checkpointMs) {
        this.store = store;
        this.readings = readings;
        this.devices = devices;
        this.feed = feed;
        this.transitions = transitions;
        this.clock = clock;
        this.checkpointMs = checkpointMs;
    }

    /** Replays what the store holds past each checkpoint, then follows the feed; returns once the replay is done. */
    void start() throws InterruptedException {
        run(() -> {
            registration = feed.listenAll(this::heard);
            checkpoints = store.checkpoints();
            reloadRules();
            int replayed = 0;
            for (DeviceState device : devices.list()) {
                replayed += replay(device.ref());
            }
            saveCheckpoints();
            log.info("event=alerts_started rules_revision={} replayed_readings={}", revision, replayed);
        });
        thread.scheduleWithFixedDelay(guarded(this::tick), 1_000, 1_000, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(guarded(this::saveCheckpoints), checkpointMs, checkpointMs,
                TimeUnit.MILLISECONDS);
    }

    /** The rules changed on this node: judge the next readings by the new ones. */
    void rulesChanged() {
        execute(this::reloadRules);
    }

    /** A deleted device: its state goes. */
    void forget(long deviceKey) {
        execute(() -> states.remove(deviceKey));
    }

    /** Judges what is queued, saves the checkpoints, and stops. */
    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
        try {
            run(() -> {
                judgeHeard();
                saveCheckpoints();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException | IllegalStateException e) {
            log.warn("event=alert_checkpoints_not_saved error={}", e.toString());
        }
        thread.shutdownNow();
    }

    private void heard(FeedEvent event) {
        if (event instanceof FeedEvent.ReadingCommitted committed) {
            heard.add(committed);
            if (judging.compareAndSet(false, true)) {
                schedule(this::judgeHeard, GATHER_MS);
            }
        }
    }

    private void judgeHeard() {
        judging.set(false);
        FeedEvent.ReadingCommitted committed;
        while ((committed = heard.poll()) != null) {
            try {
                judge(committed.device(), committed.stored());
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    private int replay(DeviceRef device) {
        if (!index.watches(device.id(), device.namespace())) {
            return 0;
        }
        DeviceAlerts state = state(device);
        int replayed = 0;
        List<StoredReading> page;
        do {
            page = readings.after(device.key(), state.judgedOffset, PAGE);
            for (StoredReading stored : page) {
                judge(device, stored);
            }
            replayed += page.size();
        } while (page.size() == PAGE);
        return replayed;
    }

    private void judge(DeviceRef device, StoredReading stored) {
        DeviceAlerts state = state(device);
        long offset = stored.offset();
        if (offset <= state.judgedOffset) {
            return;
        }
        state.device = device;
        state.judgedOffset = offset;
        for (AlertRule rule : index.silences(device.id(), device.namespace())) {
            DeviceAlerts.RuleState silence = state.rule(rule);
            if (DeviceAlerts.activeBefore(silence.alert, offset)) {
                silence.alert = transitions.clear(device, silence.alert, stored.storedAt(), offset);
            }
        }
        Map<String, List<AlertRule>> byDevice = index.thresholds(device.id());
        Map<String, List<AlertRule>> byNamespace = index.namespaceThresholds(device.namespace());
        if (byDevice.isEmpty() && byNamespace.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Double> metric : stored.reading().metrics().entrySet()) {
            for (AlertRule rule : byDevice.getOrDefault(metric.getKey(), List.of())) {
                judge(state, rule, metric.getValue(), stored);
            }
            for (AlertRule rule : byNamespace.getOrDefault(metric.getKey(), List.of())) {
                judge(state, rule, metric.getValue(), stored);
            }
        }
    }

    private void judge(DeviceAlerts device, AlertRule rule, double value, StoredReading stored) {
        if (stored.storedAt() < rule.since()) {
            return;
        }
        DeviceAlerts.RuleState state = device.rule(rule);
        long offset = stored.offset();
        if (DeviceAlerts.activeBefore(state.alert, offset)) {
            if (rule.clears(value)) {
                state.alert = transitions.clear(device.device, state.alert, stored.storedAt(), offset);
            }
            return;
        }
        if (!rule.breaks(value)) {
            state.stopTiming();
            return;
        }
        if (state.pendingSince == null) {
            state.pendingSince = stored.storedAt();
            state.pendingOffset = offset;
        }
        if (stored.storedAt() - state.pendingSince >= rule.forMs()) {
            state.stopTiming();
            state.alert = transitions.open(device.device, draft(rule, device.device, rule.metric(), value,
                    stored.storedAt(), offset));
        }
    }

    /** Once a second: rules another node changed, and devices silent for longer than a silence rule allows. */
    private void tick() {
        reloadRules();
        if (!index.hasSilences()) {
            return;
        }
        long now = clock.millis();
        for (DeviceState device : devices.list()) {
            List<AlertRule> rules = index.silences(device.ref().id(), device.ref().namespace());
            if (rules.isEmpty()) {
                continue;
            }
            DeviceAlerts state = state(device.ref());
            Long lastSeenAt = device.cursor().lastSeenAt();
            long lastSeen = lastSeenAt == null ? 0 : lastSeenAt;
            for (AlertRule rule : rules) {
                DeviceAlerts.RuleState ruleState = state.rule(rule);
                boolean active = ruleState.alert != null && ruleState.alert.isActive();
                if (!active && now - Math.max(lastSeen, rule.since()) >= rule.forMs()) {
                    ruleState.alert = transitions.open(device.ref(), draft(rule, device.ref(), null, null, now,
                            state.judgedOffset));
                }
            }
        }
    }

    private void reloadRules() {
        long current = store.rulesRevision();
        if (current == revision) {
            return;
        }
        index = new RuleIndex(store.rules());
        revision = current;
        states.values().forEach(state -> state.retain(index));
    }

    private void saveCheckpoints() {
        Map<Long, Long> moved = new HashMap<>();
        states.forEach((key, state) -> {
            long checkpoint = state.checkpoint();
            if (checkpoint != state.savedCheckpoint) {
                moved.put(key, checkpoint);
            }
        });
        if (moved.isEmpty()) {
            return;
        }
        store.saveCheckpoints(moved);
        moved.forEach((key, checkpoint) -> states.get(key).savedCheckpoint = checkpoint);
    }

    private DeviceAlerts state(DeviceRef device) {
        return states.computeIfAbsent(device.key(), key -> new DeviceAlerts(device,
                checkpoints.getOrDefault(key, 0L), store.active(key)));
    }

    private static Alert draft(AlertRule rule, DeviceRef device, String metric, Double value, long at, long offset) {
        return new Alert(0, rule.ruleId(), device.key(), device.id(), device.namespace(), metric, rule.severity(),
                Alert.OPEN, value, at, offset, null, null, null, null);
    }

    private void execute(Runnable task) {
        schedule(task, 0);
    }

    private void schedule(Runnable task, long delayMs) {
        try {
            thread.schedule(guarded(task), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("event=alerts_stopped task_dropped=true");
        }
    }

    private void run(Runnable task) throws InterruptedException {
        try {
            thread.submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("alerts could not start", e.getCause());
        }
    }

    /** A failed task (the store is down) is logged, and the thread goes on with the next one. */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                failed(e);
            }
        };
    }

    private static void failed(RuntimeException e) {
        log.error("event=alerts_task_failed", e);
    }
}
