package org.telemetryhub.hub.auth;

import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Credentials;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.hub.store.TicketStore;

/**
 * Short-lived, single-use device tickets. Only their hashes are stored, and a ticket is never logged. Failed ticket
 * requests and failed ticket uses count against the caller's address, and against the device id when it is known.
 */
public final class Tickets {

    private static final Logger log = LoggerFactory.getLogger(Tickets.class);
    /** Compared against when the device id is unknown, so both failures take the same time. */
    private static final String DECOY_HASH = Secrets.hash("decoy");

    public sealed interface Issue {
        record Issued(String ticket, long expiresAt, long lastSeq) implements Issue {}

        record BadCredentials() implements Issue {}

        record Throttled(long retryAfterMs) implements Issue {}
    }

    public sealed interface Use {
        record Granted(DeviceRef device) implements Use {}

        record Refused() implements Use {}

        record Throttled(long retryAfterMs) implements Use {}
    }

    private final DeviceStore devices;
    private final TicketStore tickets;
    private final Secrets secrets;
    private final Clock clock;
    private final long ttlMs;
    private final FailureThrottle byAddress;
    private final FailureThrottle byDevice;

    public Tickets(DeviceStore devices, TicketStore tickets, Secrets secrets, Clock clock, HubConfig.Auth auth,
                   HubConfig.Limits limits) {
        this.devices = devices;
        this.tickets = tickets;
        this.secrets = secrets;
        this.clock = clock;
        this.ttlMs = auth.ticketTtlMs();
        this.byAddress = new FailureThrottle(limits.authFailuresPerAddress(), clock);
        this.byDevice = new FailureThrottle(limits.authFailuresPerId(), clock);
    }

    public Issue issue(String deviceId, String secret, String address) {
        long wait = Math.max(byAddress.retryAfterMs(address), byDevice.retryAfterMs(deviceId));
        if (wait > 0) {
            return new Issue.Throttled(wait);
        }
        Optional<Credentials> credentials = devices.credentials(deviceId);
        String expected = credentials.map(Credentials::secretHash).orElse(DECOY_HASH);
        if (!Secrets.sameHash(expected, Secrets.hash(secret)) || credentials.isEmpty()) {
            byAddress.fail(address);
            byDevice.fail(deviceId);
            log.warn("event=ticket_refused address={}", address);
            return new Issue.BadCredentials();
        }
        String ticket = secrets.newToken();
        long expiresAt = clock.millis() + ttlMs;
        DeviceRef device = credentials.get().ref();
        tickets.insert(Secrets.hash(ticket), device.key(), expiresAt);
        return new Issue.Issued(ticket, expiresAt, credentials.get().lastSeq());
    }

    /** Uses a ticket up for one WebSocket or MQTT connection. */
    public Use connect(String ticket, String address) {
        return use(ticket, address, true);
    }

    /** Uses a ticket as an HTTP-ingest bearer; it stays usable for HTTP until it expires. */
    public Use http(String ticket, String address) {
        return use(ticket, address, false);
    }

    private Use use(String ticket, String address, boolean connection) {
        long wait = byAddress.retryAfterMs(address);
        if (wait > 0) {
            return new Use.Throttled(wait);
        }
        long now = clock.millis();
        String hash = Secrets.hash(ticket);
        Optional<DeviceRef> device = connection ? tickets.takeForConnection(hash, now) : tickets.useForHttp(hash, now);
        if (device.isEmpty()) {
            byAddress.fail(address);
            log.warn("event=ticket_use_refused address={} transport={}", address, connection ? "connection" : "http");
            return new Use.Refused();
        }
        return new Use.Granted(device.get());
    }

    public void housekeeping() {
        byAddress.sweep();
        byDevice.sweep();
        tickets.purgeUnusable(clock.millis());
    }
}
