package org.telemetryhub.hub.auth;

import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Credentials;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.TicketStore;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.protocol.Ids;

/**
 * Short-lived, single-use device tickets. Only their hashes are stored, and a ticket is never logged.
 *
 * <p>Failures cost the failer, never the owner of a valid credential: a right secret (or a valid ticket) is always
 * checked and never refused for failures, however many others or the same address made. Only failures count, per
 * address and per (address, device id); past either limit a failure is answered as throttled instead of refused.
 * Secrets and tickets carry 256 random bits, so it is their entropy, not a lockout, that defeats guessing. A right
 * secret spends one of the device's tickets ({@link IssueRate}), so a device's own credentials cannot fill the store.
 */
public final class Tickets {

    private static final Logger log = LoggerFactory.getLogger(Tickets.class);
    /** Compared against when the device id is unknown, so both failures take the same time. */
    private static final String DECOY_HASH = Secrets.hash("decoy");

    public sealed interface Issue {
        record Issued(String ticket, long expiresAt, long lastSeq) implements Issue {}

        record BadCredentials() implements Issue {}

        /** Failures from this address, or for this device id from it, are over their limit. */
        record Throttled(long retryAfterMs) implements Issue {}

        /** The secret was right, but the device has had its tickets for now. */
        record RateLimited(long retryAfterMs) implements Issue {}
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
    private final FailureThrottle byAddressAndDevice;
    private final IssueRate issueRate;

    public Tickets(DeviceStore devices, TicketStore tickets, Secrets secrets, Clock clock, HubConfig.Auth auth,
                   HubConfig.Limits limits) {
        this.devices = devices;
        this.tickets = tickets;
        this.secrets = secrets;
        this.clock = clock;
        this.ttlMs = auth.ticketTtlMs();
        this.byAddress = new FailureThrottle(limits.authFailuresPerAddress(), clock);
        this.byAddressAndDevice = new FailureThrottle(limits.authFailuresPerId(), clock);
        this.issueRate = new IssueRate(limits.deviceTicketBurst(), limits.deviceTicketsPerSecond());
    }

    public Issue issue(String deviceId, String secret, String address) {
        Optional<Credentials> credentials = devices.credentials(deviceId);
        String expected = credentials.map(Credentials::secretHash).orElse(DECOY_HASH);
        if (!Secrets.sameHash(expected, Secrets.hash(secret)) || credentials.isEmpty()) {
            // an address over its limit records no more failures, so its guesses cannot grow the map of pairs
            long wait = byAddress.fail(address);
            if (wait == 0) {
                wait = byAddressAndDevice.fail(address + " " + Ids.echo(deviceId));
            }
            if (wait > 0) {
                return new Issue.Throttled(wait);
            }
            log.warn("event=ticket_refused address={}", address);
            return new Issue.BadCredentials();
        }
        DeviceRef device = credentials.get().ref();
        long wait = issueRate.take(device.key());
        if (wait > 0) {
            return new Issue.RateLimited(wait);
        }
        String ticket = secrets.newToken();
        long expiresAt = clock.millis() + ttlMs;
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
        long now = clock.millis();
        String hash = Secrets.hash(ticket);
        Optional<DeviceRef> device = connection ? tickets.takeForConnection(hash, now) : tickets.useForHttp(hash, now);
        if (device.isPresent()) {
            return new Use.Granted(device.get());
        }
        long wait = byAddress.fail(address);
        if (wait > 0) {
            return new Use.Throttled(wait);
        }
        log.warn("event=ticket_use_refused address={} transport={}", address, connection ? "connection" : "http");
        return new Use.Refused();
    }

    public void housekeeping() {
        byAddress.sweep();
        byAddressAndDevice.sweep();
        issueRate.sweep();
        tickets.purgeUnusable(clock.millis());
    }
}
