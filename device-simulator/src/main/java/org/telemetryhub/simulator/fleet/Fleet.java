package org.telemetryhub.simulator.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.device.DeviceSettings;
import org.telemetryhub.simulator.device.SimDevice;
import org.telemetryhub.simulator.device.TransportStats;

/**
 * The devices of one run: assigns each to a transport in turn, connects them a few at a time, paces their readings
 * from one timer, drains them at the end and closes them.
 */
public final class Fleet {

    /** How often the pacer lets every device make what is due, run its faults and send. */
    static final long TICK_MS = 20;
    private static final long CONNECT_SPACING_MICROS = 2_000;

    private final List<SimDevice> devices;
    private final Map<String, TransportStats> stats;
    private final ScheduledExecutorService executor;
    private ScheduledFuture<?> pacer;

    private Fleet(List<SimDevice> devices, Map<String, TransportStats> stats, ScheduledExecutorService executor) {
        this.devices = devices;
        this.stats = stats;
        this.executor = executor;
    }

    /** Device {@code i} uses {@code transports.get(i % transports.size())}. */
    public static Fleet of(List<Credentials> credentials, List<Transport> transports, DeviceSettings settings,
                           HubApi api, ScheduledExecutorService executor, long seed) {
        Map<String, TransportStats> stats = new LinkedHashMap<>();
        transports.forEach(t -> stats.put(t.name(), new TransportStats(t.name())));
        List<SimDevice> devices = new ArrayList<>(credentials.size());
        for (int i = 0; i < credentials.size(); i++) {
            Transport transport = transports.get(i % transports.size());
            Credentials c = credentials.get(i);
            devices.add(new SimDevice(c.deviceId(), c.secret(), transport, settings, api, executor,
                    stats.get(transport.name()), seed * 1_000_003 + i));
        }
        return new Fleet(devices, stats, executor);
    }

    public List<SimDevice> devices() {
        return devices;
    }

    public List<String> transports() {
        return List.copyOf(stats.keySet());
    }

    public List<TransportStats.Snapshot> snapshot() {
        return stats.values().stream().map(TransportStats::snapshot).toList();
    }

    /** Opens every device's first link, spread over a moment; fails when one cannot authenticate. */
    public void connect(long timeoutMs) throws InterruptedException {
        for (int i = 0; i < devices.size(); i++) {
            executor.schedule(devices.get(i)::connect, i * CONNECT_SPACING_MICROS, TimeUnit.MICROSECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long open = 0;
            for (SimDevice device : devices) {
                if (device.state() == SimDevice.State.FAILED) {
                    throw new SimulatorException("device " + device.id() + " cannot connect: " + device.failure());
                }
                if (device.state() == SimDevice.State.OPEN) {
                    open++;
                }
            }
            if (open == devices.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                SimDevice stuck = devices.stream().filter(d -> d.state() != SimDevice.State.OPEN).findFirst()
                        .orElseThrow();
                throw new SimulatorException("only " + open + " of " + devices.size() + " devices connected within "
                        + timeoutMs + " ms; for example " + stuck.progress());
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Starts making readings: every device from now, each at its own phase. */
    public void start() {
        long now = System.nanoTime();
        devices.forEach(d -> d.startGenerating(now));
        pacer = executor.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long now = System.nanoTime();
        for (SimDevice device : devices) {
            device.tick(now);
        }
    }

    /**
     * Stops making readings and waits up to {@code maxMs} until every reading is acked or rejected. Returns how many
     * are still unanswered.
     */
    public long drain(long maxMs) throws InterruptedException {
        devices.forEach(SimDevice::drain);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
        long unacked;
        while ((unacked = unacked()) > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return unacked;
    }

    public long unacked() {
        return devices.stream().mapToLong(SimDevice::unackedCount).sum();
    }

    /** Closes every link; the devices stay provisioned on the hub. */
    public void stop() {
        if (pacer != null) {
            pacer.cancel(false);
        }
        devices.forEach(SimDevice::stop);
    }
}
