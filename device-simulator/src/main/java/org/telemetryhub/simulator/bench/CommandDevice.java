package org.telemetryhub.simulator.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.client.link.Link;
import org.telemetryhub.client.link.LinkListener;
import org.telemetryhub.client.link.WsTransport;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;

/**
 * One device of the commands benchmark: answers every {@code command} at once with a successful
 * {@code command_result}, and reports each {@code command_ack} with the time its command was sent, so the round trip
 * (operator's request → delivery → result stored → ack) is measured end to end.
 */
final class CommandDevice implements LinkListener {

    /** A finished round trip: its command's id and whether the hub acked the result without an error. */
    record RoundTrip(String commandId, boolean acked, long sentNanos, long ackedNanos) {}

    private final String id;
    private final Consumer<RoundTrip> done;
    /** Half a round trip, whichever half is known first: the request's send time, or the ack. */
    private record Half(long sentNanos, boolean acked, boolean ok, long ackedNanos) {}

    private final Map<String, Half> halves = new ConcurrentHashMap<>();
    private volatile Link link;

    CommandDevice(String id, Consumer<RoundTrip> done) {
        this.id = id;
        this.done = done;
    }

    String id() {
        return id;
    }

    CompletableFuture<Link> connect(WsTransport transport, Ticket ticket) {
        return transport.open(id, ticket, this).thenApply(opened -> link = opened);
    }

    /** The hub answered the request for this command, sent at {@code sentNanos} (its ack may have come first). */
    void sent(String commandId, long sentNanos) {
        meet(commandId, new Half(sentNanos, false, false, 0));
    }

    @Override
    public void down(String why) {
        // the benchmark counts the round trips that never finish
    }

    @Override
    public void heard(HubMessage message) {
        if (message instanceof HubMessage.Command command) {
            link.control(new DeviceControl.CommandResult(command.commandId(), true, Map.of()));
        } else if (message instanceof HubMessage.CommandAck ack) {
            meet(ack.commandId(), new Half(0, true, ack.error() == null, System.nanoTime()));
        }
    }
    private void meet(String commandId, Half half) {
        Half[] both = new Half[2];
        halves.compute(commandId, (key, other) -> {
            if (other == null) {
                return half;
            }
            both[0] = other;
            both[1] = half;
            return null;
        });
        if (both[0] != null) {
            Half sent = both[0].acked() ? both[1] : both[0];
            Half acked = both[0].acked() ? both[0] : both[1];
            done.accept(new RoundTrip(commandId, acked.ok(), sent.sentNanos(), acked.ackedNanos()));
        }
    }

    void close() {
        Link l = link;
        if (l != null) {
            l.close();
        }
    }
}
