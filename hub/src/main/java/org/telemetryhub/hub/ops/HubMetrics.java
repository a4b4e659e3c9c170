package org.telemetryhub.hub.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.telemetryhub.protocol.ErrorCode;

/** The hub's meters, served at {@code /metrics} in Prometheus text format. */
public final class HubMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter accepted = Counter.builder("hub.readings.accepted")
            .description("Readings newly stored").register(registry);
    private final Counter duplicates = Counter.builder("hub.readings.duplicate")
            .description("Resent readings that were stored before and acked again").register(registry);
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusedFrames = new ConcurrentHashMap<>();
    private final Timer ackLatency = Timer.builder("hub.ack.latency")
            .description("From a frame's arrival to its verdicts, through the durable commit")
            .publishPercentiles(0.5, 0.99, 0.999).register(registry);
    private final DistributionSummary commitBatch = DistributionSummary.builder("hub.commit.batch.readings")
            .description("Readings per group commit").publishPercentiles(0.5, 0.99).register(registry);
    private final Timer commitDuration = Timer.builder("hub.commit.duration")
            .description("Time one group commit takes").publishPercentiles(0.5, 0.99).register(registry);

    private final DistributionSummary flushEntries = DistributionSummary.builder("hub.store.flush.entries")
            .description("Log entries one table flush moved into the tables").publishPercentiles(0.5, 0.99)
            .register(registry);
    private final Timer flushDuration = Timer.builder("hub.store.flush.duration")
            .description("Time one table flush takes").publishPercentiles(0.5, 0.99).register(registry);

    private final Map<String, Counter> alertTransitions = new ConcurrentHashMap<>();

    private final Counter dashboardLag = Counter.builder("hub.dashboard.lag")
            .description("Times a dashboard fell behind and caught up from the store").register(registry);

    public HubMetrics() {
        // the heap against its cap, threads, CPU and open files: what the soak watches, for an operator too
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // these series exist from the start, so that a rate over them is 0 rather than absent and an alert on their
        // increase sees the first one
        for (String event : new String[] {"opened", "acknowledged", "cleared"}) {
            alertTransitions.computeIfAbsent(event, this::alertTransitionCounter);
        }
        for (ErrorCode code : new ErrorCode[] {ErrorCode.STORE_UNAVAILABLE, ErrorCode.RATE_LIMITED}) {
            refusedFrames.computeIfAbsent(code.wire(), this::refusedFrameCounter);
        }
    }

    public void dashboardLag() {
        dashboardLag.increment();
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** One series of a gauge whose series differ by one tag. */
    public void gauge(String name, String tag, String tagValue, String description, Supplier<Number> value) {
        Gauge.builder(name, value).tag(tag, tagValue).description(description).register(registry);
    }

    /** An alert opened, was acknowledged or cleared (counted on the node that made the change). */
    public void alertTransition(String event) {
        alertTransitions.computeIfAbsent(event, this::alertTransitionCounter).increment();
    }

    private Counter alertTransitionCounter(String event) {
        return Counter.builder("hub.alerts.transitions").tag("event", event)
                .description("Alerts' changes of status, by event: opened, acknowledged, cleared").register(registry);
    }

    public void accepted(int count) {
        accepted.increment(count);
    }

    public void duplicates(int count) {
        duplicates.increment(count);
    }

    public void rejected(String code) {
        rejected.computeIfAbsent(code, c -> Counter.builder("hub.readings.rejected").tag("code", c)
                .description("Readings not stored, by verdict code").register(registry)).increment();
    }

    public void refusedFrame(String code) {
        refusedFrames.computeIfAbsent(code, this::refusedFrameCounter).increment();
    }

    private Counter refusedFrameCounter(String code) {
        return Counter.builder("hub.frames.refused").tag("code", code)
                .description("Frames refused whole, by error code").register(registry);
    }

    public void ackLatency(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void commit(int readings, long nanos) {
        commitBatch.record(readings);
        commitDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void tableFlush(int entries, long nanos) {
        flushEntries.record(entries);
        flushDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }
}
