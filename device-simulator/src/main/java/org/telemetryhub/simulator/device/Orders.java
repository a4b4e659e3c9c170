package org.telemetryhub.simulator.device;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.telemetryhub.client.link.Link;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;

/**
 * How a simulated device obeys the hub, over whichever link it has: {@code set_interval} (args {@code intervalMs}:
 * its reporting interval) and {@code reboot} (it answers first, and once the hub acked its result drops its link and
 * comes back); {@code intervalMs} from its desired state is applied; after either change it reports the interval it
 * applied. Any other command gets a failed result. Used under its device's monitor.
 */
final class Orders {

    private static final long MIN_INTERVAL_MS = 100;
    private static final long MAX_INTERVAL_MS = 3_600_000;

    private final Sensor sensor;
    private final Runnable reboot;
    /** The reboot command whose result's ack makes the device drop its link. */
    private String rebootOnAck;

    /** Orders for a device whose readings come from {@code sensor}, and which {@code reboot} reconnects. */
    Orders(Sensor sensor, Runnable reboot) {
        this.sensor = sensor;
        this.reboot = reboot;
    }

    /** Obeys what the hub said on {@code link}, answering on it. */
    void heard(Link link, HubMessage message) {
        if (message instanceof HubMessage.Command command) {
            obey(link, command);
        } else if (message instanceof HubMessage.CommandAck ack && ack.commandId().equals(rebootOnAck)) {
            rebootOnAck = null;
            reboot.run();
        } else if (message instanceof HubMessage.StateDelta delta && delta.delta().has("intervalMs")) {
            applyInterval(delta.delta().get("intervalMs"));
            reportInterval(link);
        }
    }

    private void obey(Link link, HubMessage.Command command) {
        switch (command.name()) {
            case "set_interval" -> {
                boolean ok = applyInterval(command.args().get("intervalMs"));
                answer(link, command, ok, ok ? Map.of("intervalMs", sensor.intervalMs())
                        : Map.of("error", "args.intervalMs must be an integer in [" + MIN_INTERVAL_MS + ", "
                        + MAX_INTERVAL_MS + "]"));
                reportInterval(link);
            }
            case "reboot" -> {
                rebootOnAck = command.commandId();
                answer(link, command, true, Map.of());
            }
            default -> answer(link, command, false, Map.of("error", "unknown command " + command.name()));
        }
    }

    /** Takes a new reporting interval when it is an integer in [100 ms, 1 h]; false otherwise. */
    private boolean applyInterval(JsonNode intervalMs) {
        if (intervalMs == null || !intervalMs.canConvertToLong() || intervalMs.asLong() < MIN_INTERVAL_MS
                || intervalMs.asLong() > MAX_INTERVAL_MS) {
            return false;
        }
        sensor.interval(intervalMs.asLong(), System.nanoTime());
        return true;
    }

    private void reportInterval(Link link) {
        link.control(new DeviceControl.State(Map.of("intervalMs", sensor.intervalMs())));
    }

    private static void answer(Link link, HubMessage.Command command, boolean ok, Map<String, Object> result) {
        link.control(new DeviceControl.CommandResult(command.commandId(), ok, result));
    }
}
