package org.telemetryhub.simulator.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import org.telemetryhub.client.link.HttpTransport;
import org.telemetryhub.client.link.MqttTransport;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.client.link.WsTransport;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.HubApi;

/** The transports this build has, by the name {@code --transport} uses, and the rotation {@code mixed} assigns. */
public final class Transports {

    /** What {@code --transport mixed} rotates through, device by device. */
    public static final List<String> MIXED = List.of("ws", "http", "mqtt");

    private Transports() {}

    /** The transports a fleet needs for {@code --transport choice}, in the order devices are assigned to them. */
    public static List<Transport> forChoice(String choice, HttpClient http, HubApi api, String mqtt) {
        List<String> names = choice.equals("mixed") ? MIXED : List.of(choice);
        return names.stream().map(name -> create(name, http, api, mqtt)).toList();
    }

    private static Transport create(String name, HttpClient http, HubApi api, String mqtt) {
        URI base = api.base();
        return switch (name) {
            case "ws" -> new WsTransport(http, api.deviceSocket());
            case "http" -> new HttpTransport(http, base, true);
            case "mqtt" -> mqtt(mqtt, base);
            default -> throw new SimulatorException("--transport must be ws, mqtt, http or mixed, but was '"
                    + name + "'");
        };
    }

    /** The transport for {@code --mqtt HOST:PORT}, or, when that is null or empty, the hub's host and port 1883. */
    static MqttTransport mqtt(String address, URI hub) {
        if (address == null || address.isBlank()) {
            return MqttTransport.forHub(hub);
        }
        int colon = address.lastIndexOf(':');
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (colon > 0 && port > 0 && port < 65536) {
                return new MqttTransport(address.substring(0, colon), port, hub.getScheme().equalsIgnoreCase("https"));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SimulatorException("--mqtt must be HOST:PORT such as 127.0.0.1:1883, but was '" + address + "'");
    }
}
