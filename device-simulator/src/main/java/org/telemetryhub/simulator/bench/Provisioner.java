package org.telemetryhub.simulator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;

/**
 * Provisions a benchmark's devices through the operator API with up to {@code concurrency} requests in flight: the
 * hub stores each device in a transaction of its own, so thousands are done in seconds only when many requests are
 * under way at once, while a bound keeps the hub's HTTP threads and the client's connections few. The first failure
 * stops it, since a benchmark with devices missing measures something else.
 */
final class Provisioner {

    /** A provisioned device and the secret it trades for tickets. */
    record Device(String id, String secret) {}

    /** How long the last requests may take once every request went out. */
    private static final long LAST_ANSWERS_SECONDS = 60;

    private final HubApi api;
    private final int concurrency;
    private final AtomicInteger provisioned = new AtomicInteger();

    Provisioner(HubApi api, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, but was " + concurrency);
        }
        this.api = api;
        this.concurrency = concurrency;
    }

    /** Devices provisioned so far, for progress lines while {@link #provision} runs. */
    int provisioned() {
        return provisioned.get();
    }

    /** Provisions devices {@code 1 … count} of {@code ids}; returns them in that order. */
    List<Device> provision(FreshDeviceIds ids, int count, String namespace, long reportIntervalMs)
            throws InterruptedException {
        Semaphore window = new Semaphore(concurrency);
        AtomicReferenceArray<String> secrets = new AtomicReferenceArray<>(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            int index = i;
            api.provisionAsync(ids.id(index + 1), namespace, reportIntervalMs).whenComplete((secret, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    secrets.set(index, secret);
                    provisioned.incrementAndGet();
                }
                window.release();
            });
        }
        if (!window.tryAcquire(concurrency, LAST_ANSWERS_SECONDS, TimeUnit.SECONDS)) {
            throw new SimulatorException("provisioning stopped: " + (concurrency - window.availablePermits())
                    + " requests still unanswered " + LAST_ANSWERS_SECONDS + " s after the last one went out ("
                    + provisioned() + " of " + count + " devices provisioned)");
        }
        Throwable error = failure.get();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            throw new SimulatorException(cause.getMessage() + " (after " + provisioned() + " of " + count
                    + " devices were provisioned)", cause);
        }
        List<Device> devices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            devices.add(new Device(ids.id(i + 1), secrets.get(i)));
        }
        return devices;
    }
}
