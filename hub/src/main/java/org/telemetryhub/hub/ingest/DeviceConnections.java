package org.telemetryhub.hub.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.auth.DeviceRegistry;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;

/**
 * Every open device connection, whatever its transport: counted per address and in total against the limits, with
 * the upgrades still in progress counted per address too, and findable by device so that revoking a device closes
 * its connections. A device keeps at most {@code limits.connectionsPerDevice} connections: one more closes its
 * oldest with the reason {@value #REPLACED}, so one device's credentials cannot hold what its neighbours need.
 */
public final class DeviceConnections implements DeviceRegistry.Disconnector {

    public static final String REPLACED = "replaced";

    /** A transport's handle on one open connection. */
    public interface Link {
        DeviceRef device();

        /** The transport the connection came over, as {@code /metrics} names it: one of {@link #TRANSPORTS}. */
        String transport();

        void close(String reason);
    }

    /** The transports that hold connections (HTTP devices hold none between requests). */
    public static final List<String> TRANSPORTS = List.of("ws", "mqtt");

    /** Hears of a device's connections opening and closing (presence). */
    public interface Listener {
        void opened(DeviceRef device);

        void closed(DeviceRef device);
    }

    /** A slot held from before the upgrade until the connection ends; pending until the connection opens. */
    public final class Slot implements AutoCloseable {
        private final String address;
        private boolean pending = true;
        private boolean released;

        private Slot(String address) {
            this.address = address;
        }

        /** The upgrade is done: the slot no longer counts as pending. */
        public synchronized void opened() {
            if (pending && !released) {
                pending = false;
                decrement(pendingPerAddress, address);
            }
        }

        @Override
        public synchronized void close() {
            if (!released) {
                opened();
                released = true;
                total.decrementAndGet();
                decrement(perAddress, address);
            }
        }
    }

    private final HubConfig.Limits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<String, Integer> pendingPerAddress = new ConcurrentHashMap<>();
    /** Each device's open links, oldest first; true for a link already told to close as replaced. */
    private final Map<Long, LinkedHashMap<Link, Boolean>> byDevice = new ConcurrentHashMap<>();
    /** When each device's connections were last cut (revoke, re-key). */
    private final Map<Long, Long> cutAt = new ConcurrentHashMap<>();

    /** Open links by transport: those registered and not yet closed, whether or not they hold a slot. */
    private final Map<String, AtomicInteger> openByTransport = new ConcurrentHashMap<>();

    private final Listener listener;

    public DeviceConnections(HubConfig.Limits limits, Listener listener) {
        this.limits = limits;
        this.listener = listener;
    }

    /** A pending slot for a new connection from this address, or null when a limit is reached. */
    public Slot reserve(String address) {
        if (total.incrementAndGet() > limits.connectionsTotal()) {
            total.decrementAndGet();
            return null;
        }
        if (!increment(pendingPerAddress, address, limits.pendingUpgradesPerAddress())) {
            total.decrementAndGet();
            return null;
        }
        if (!increment(perAddress, address, limits.connectionsPerAddress())) {
            decrement(pendingPerAddress, address);
            total.decrementAndGet();
            return null;
        }
        return new Slot(address);
    }

    /**
     * Registers an open connection whose credential was granted at {@code grantedNanos}. A revoke or re-key that came
     * after the grant but before this registration still closes it: no connection slips through that race. Past the
     * per-device cap, the device's oldest connection is closed as replaced.
     */
    public void opened(Link link, long grantedNanos) {
        Link[] replaced = {null};
        byDevice.compute(link.device().key(), (k, links) -> {
            LinkedHashMap<Link, Boolean> kept = links == null ? new LinkedHashMap<>() : links;
            kept.put(link, false);
            if (kept.values().stream().filter(closing -> !closing).count() > limits.connectionsPerDevice()) {
                for (Map.Entry<Link, Boolean> oldest : kept.entrySet()) {
                    if (!oldest.getValue()) {
                        oldest.setValue(true);
                        replaced[0] = oldest.getKey();
                        break;
                    }
                }
            }
            return kept;
        });
        openByTransport.computeIfAbsent(link.transport(), t -> new AtomicInteger()).incrementAndGet();
        listener.opened(link.device());
        if (replaced[0] != null) {
            replaced[0].close(REPLACED);
        }
        Long cut = cutAt.get(link.device().key());
        if (cut != null && cut - grantedNanos >= 0) {
            link.close("device revoked or re-keyed while connecting");
        }
    }

    public void closed(Link link) {
        boolean[] removed = {false};
        byDevice.computeIfPresent(link.device().key(), (k, links) -> {
            removed[0] = links.remove(link) != null;
            return links.isEmpty() ? null : links;
        });
        if (removed[0]) {
            openByTransport.get(link.transport()).decrementAndGet();
            listener.closed(link.device());
        }
    }

    public int open() {
        return total.get();
    }

    /** Devices' open connections over this transport. */
    public int open(String transport) {
        AtomicInteger count = openByTransport.get(transport);
        return count == null ? 0 : count.get();
    }

    @Override
    public void disconnect(long deviceKey, String reason) {
        cutAt.put(deviceKey, System.nanoTime());
        links(deviceKey).forEach(link -> link.close(reason));
    }

    /** Closes every connection, for shutdown. */
    public void closeAll(String reason) {
        byDevice.keySet().forEach(device -> links(device).forEach(link -> link.close(reason)));
    }

    private List<Link> links(long deviceKey) {
        List<Link> links = new ArrayList<>();
        byDevice.computeIfPresent(deviceKey, (k, open) -> {
            links.addAll(open.keySet());
            return open;
        });
        return links;
    }

    private static boolean increment(Map<String, Integer> counts, String address, int limit) {
        boolean[] granted = {false};
        counts.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= limit) {
                return n;
            }
            granted[0] = true;
            return count + 1;
        });
        return granted[0];
    }

    private static void decrement(Map<String, Integer> counts, String address) {
        counts.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }
}
