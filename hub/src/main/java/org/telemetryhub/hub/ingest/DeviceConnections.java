package org.telemetryhub.hub.ingest;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.auth.DeviceRegistry;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;

/**
 * Every open device connection, whatever its transport: counted per address and in total against the limits, and
 * findable by device so that revoking a device closes its connections.
 */
public final class DeviceConnections implements DeviceRegistry.Disconnector {

    /** A transport's handle on one open connection. */
    public interface Link {
        DeviceRef device();

        void close(String reason);
    }

    /** Hears of a device's connections opening and closing (presence). */
    public interface Listener {
        void opened(DeviceRef device);

        void closed(DeviceRef device);
    }

    /** A slot held from before the upgrade until the connection ends. */
    public final class Slot implements AutoCloseable {
        private final String address;
        private boolean released;

        private Slot(String address) {
            this.address = address;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                total.decrementAndGet();
                perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private final HubConfig.Limits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<Long, Set<Link>> byDevice = new ConcurrentHashMap<>();
    /** When each device's connections were last cut (revoke, re-key). */
    private final Map<Long, Long> cutAt = new ConcurrentHashMap<>();

    private final Listener listener;

    public DeviceConnections(HubConfig.Limits limits, Listener listener) {
        this.limits = limits;
        this.listener = listener;
    }

    /** A slot for a new connection from this address, or null when a limit is reached. */
    public Slot reserve(String address) {
        if (total.incrementAndGet() > limits.connectionsTotal()) {
            total.decrementAndGet();
            return null;
        }
        boolean[] granted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= limits.connectionsPerAddress()) {
                return n;
            }
            granted[0] = true;
            return count + 1;
        });
        if (!granted[0]) {
            total.decrementAndGet();
            return null;
        }
        return new Slot(address);
    }

    /**
     * Registers an open connection whose credential was granted at {@code grantedNanos}. A revoke or re-key that came
     * after the grant but before this registration still closes it: no connection slips through that race.
     */
    public void opened(Link link, long grantedNanos) {
        byDevice.computeIfAbsent(link.device().key(), k -> ConcurrentHashMap.newKeySet()).add(link);
        listener.opened(link.device());
        Long cut = cutAt.get(link.device().key());
        if (cut != null && cut - grantedNanos >= 0) {
            link.close("device revoked or re-keyed while connecting");
        }
    }

    public void closed(Link link) {
        boolean[] removed = {false};
        byDevice.computeIfPresent(link.device().key(), (k, links) -> {
            removed[0] = links.remove(link);
            return links.isEmpty() ? null : links;
        });
        if (removed[0]) {
            listener.closed(link.device());
        }
    }

    public int open() {
        return total.get();
    }

    @Override
    public void disconnect(long deviceKey, String reason) {
        cutAt.put(deviceKey, System.nanoTime());
        Set<Link> links = byDevice.get(deviceKey);
        if (links != null) {
            links.forEach(link -> link.close(reason));
        }
    }

    /** Closes every connection, for shutdown. */
    public void closeAll(String reason) {
        byDevice.values().forEach(links -> links.forEach(link -> link.close(reason)));
    }
}
