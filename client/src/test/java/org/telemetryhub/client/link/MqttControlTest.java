package org.telemetryhub.client.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;

/**
 * An MQTT link against a scripted broker: it subscribes to its commands and state delta, hears what the hub
 * publishes there, publishes results and reports as the same JSON as on a WebSocket, and turns a result's PUBACK
 * into its {@code command_ack}.
 */
class MqttControlTest {

    private final FakeBroker broker = new FakeBroker();
    private final BlockingQueue<HubMessage> heard = new LinkedBlockingQueue<>();
    private Link link;

    @AfterEach
    void stop() throws Exception {
        if (link != null) {
            link.close();
        }
        broker.close();
    }

    private Link open() throws Exception {
        link = new MqttTransport("127.0.0.1", broker.port(), false).open("d-1", new Ticket("t-1", 0, 0),
                new LinkListener() {
                    @Override
                    public void down(String why) {
                    }

                    @Override
                    public void heard(HubMessage message) {
                        heard.add(message);
                    }
                }).get(10, TimeUnit.SECONDS);
        return link;
    }

    private HubMessage nextHeard() throws InterruptedException {
        HubMessage message = heard.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("the link heard nothing within 10 s");
        }
        return message;
    }

    @Test
    void the_link_is_up_once_it_subscribed_to_its_commands_and_state_delta() throws Exception {
        open();

        assertEquals(List.of("devices/d-1/commands", "devices/d-1/state/delta"), broker.subscriptions);
    }

    @Test
    void a_command_is_heard_and_its_result_published_to_command_results_and_acked_by_the_puback() throws Exception {
        Link opened = open();

        broker.publish("devices/d-1/commands", "{\"type\":\"command\",\"commandId\":\"c-1\",\"name\":\"reboot\","
                + "\"args\":{},\"expiresAt\":0}");
        HubMessage.Command command = (HubMessage.Command) nextHeard();
        opened.control(new DeviceControl.CommandResult(command.commandId(), true, Map.of("done", true)));

        assertEquals(new FakeBroker.Published("devices/d-1/command-results",
                "{\"type\":\"command_result\",\"commandId\":\"c-1\",\"ok\":true,\"result\":{\"done\":true}}"),
                broker.next());
        assertEquals(new HubMessage.CommandAck("c-1", null), nextHeard());
    }

    @Test
    void a_result_the_hub_refuses_is_acked_with_the_pubacks_reason_string_as_its_error() throws Exception {
        Link opened = open();
        broker.refuseWith("duplicate_result");

        opened.control(new DeviceControl.CommandResult("c-9", false, Map.of()));

        assertEquals("{\"type\":\"command_result\",\"commandId\":\"c-9\",\"ok\":false}", broker.next().payload());
        assertEquals(new HubMessage.CommandAck("c-9", "duplicate_result"), nextHeard());
    }

    @Test
    void a_state_delta_is_heard_and_the_reported_state_published_to_state_reported() throws Exception {
        Link opened = open();

        broker.publish("devices/d-1/state/delta", "{\"type\":\"state_delta\",\"desiredVersion\":2,"
                + "\"delta\":{\"mode\":\"eco\"}}");
        HubMessage.StateDelta delta = (HubMessage.StateDelta) nextHeard();
        opened.control(new DeviceControl.State(Map.of("mode", "eco")));

        assertEquals(2, delta.desiredVersion());
        assertEquals(new FakeBroker.Published("devices/d-1/state/reported",
                "{\"type\":\"state\",\"reported\":{\"mode\":\"eco\"}}"), broker.next());
    }
}
