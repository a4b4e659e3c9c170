package org.telemetryhub.hub.store;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.TicketStore;

/**
 * Tickets of a hub that is its store's only node (H2): held in memory, so that issuing and using one writes nothing
 * to the file (at a thousand tickets a second, one small commit each made the file grow by megabytes a second). A
 * restart ends every ticket, which fails closed: a device asks for a new one, as it does when one expires. Each
 * ticket is claimed by an atomic update of its entry, so two connections racing on one ticket cannot both win.
 */
public final class MemoryTicketStore implements TicketStore {

    private record Ticket(long deviceKey, long expiresAt, boolean connected, boolean httpUsed) {}

    private final DeviceStore devices;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();

    public MemoryTicketStore(DeviceStore devices) {
        this.devices = devices;
    }

    @Override
    public void insert(String ticketHash, long deviceKey, long expiresAt) {
        tickets.put(ticketHash, new Ticket(deviceKey, expiresAt, false, false));
    }

    @Override
    public Optional<DeviceRef> takeForConnection(String ticketHash, long now) {
        return claim(ticketHash, ticket -> ticket.connected || ticket.httpUsed || ticket.expiresAt <= now ? null
                : new Ticket(ticket.deviceKey, ticket.expiresAt, true, false));
    }

    @Override
    public Optional<DeviceRef> useForHttp(String ticketHash, long now) {
        return claim(ticketHash, ticket -> ticket.connected || ticket.expiresAt <= now ? null
                : new Ticket(ticket.deviceKey, ticket.expiresAt, false, true));
    }

    /** Moves the ticket to its used state when {@code use} allows it, then names its device if it still exists. */
    private Optional<DeviceRef> claim(String ticketHash, java.util.function.UnaryOperator<Ticket> use) {
        Ticket[] claimed = new Ticket[1];
        tickets.computeIfPresent(ticketHash, (hash, ticket) -> {
            Ticket used = use.apply(ticket);
            claimed[0] = used;
            return used == null ? ticket : used;
        });
        return claimed[0] == null ? Optional.empty()
                : devices.state(claimed[0].deviceKey).map(DeviceState::ref);
    }

    @Override
    public void forget(long deviceKey) {
        tickets.values().removeIf(ticket -> ticket.deviceKey == deviceKey);
    }

    @Override
    public int purgeUnusable(long now) {
        int before = tickets.size();
        tickets.values().removeIf(ticket -> ticket.connected || ticket.expiresAt <= now);
        return before - tickets.size();
    }

    @Override
    public long count() {
        return tickets.size();
    }
}
