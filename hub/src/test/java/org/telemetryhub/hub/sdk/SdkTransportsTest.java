package org.telemetryhub.hub.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.DeviceCredentials;
import org.telemetryhub.client.HubDevice;
import org.telemetryhub.client.HubDeviceBuilder;
import org.telemetryhub.client.HubRefusedException;
import org.telemetryhub.client.Verdict;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Reading;

/** The device SDK over each transport against a real hub: the same readings get the same verdicts. */
class SdkTransportsTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(TestHub.EMBEDDED_MQTT);
        settings.put("namespaces.default.ranges.temperature.min", "-40");
        settings.put("namespaces.default.ranges.temperature.max", "85");
        hub = TestHub.start(settings);
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static List<Verdict> sendTwo(String deviceId, UnaryOperator<HubDeviceBuilder> transport)
            throws Exception {
        DeviceCredentials credentials = admin.credentials(admin.provision(deviceId));
        try (HubDevice device = transport.apply(HubDevice.builder(credentials)).connect()) {
            long now = hub.clock.millis();
            return device.send(List.of(new Reading(1, now, Map.of("temperature", 20.0)),
                    new Reading(2, now, Map.of("temperature", 99.0)))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void assertOneStoredOneOutOfRange(String deviceId, List<Verdict> verdicts) {
        assertEquals(new Verdict.Accepted(1), verdicts.get(0));
        assertEquals(Optional.of(ErrorCode.METRIC_OUT_OF_RANGE), ((Verdict.Rejected) verdicts.get(1)).code());
        assertEquals(1, hub.storedCount(deviceId));
    }

    @Test
    void over_websocket_one_reading_is_stored_and_one_is_out_of_range() throws Exception {
        List<Verdict> verdicts = sendTwo("sdk-ws", HubDeviceBuilder::overWebSocket);

        assertOneStoredOneOutOfRange("sdk-ws", verdicts);
    }

    @Test
    void over_http_one_reading_is_stored_and_one_is_out_of_range() throws Exception {
        List<Verdict> verdicts = sendTwo("sdk-http", HubDeviceBuilder::overHttp);

        assertOneStoredOneOutOfRange("sdk-http", verdicts);
    }

    @Test
    void over_mqtt_one_reading_is_stored_and_one_is_out_of_range() throws Exception {
        List<Verdict> verdicts = sendTwo("sdk-mqtt", builder -> builder.overMqtt("127.0.0.1", hub.mqttPort()));

        assertOneStoredOneOutOfRange("sdk-mqtt", verdicts);
    }

    @Test
    void a_wrong_secret_is_refused_at_connect_as_bad_credentials() {
        admin.provision("sdk-wrong");
        DeviceCredentials wrong = DeviceCredentials.of(hub.url(), "sdk-wrong", "not-the-secret");

        HubRefusedException refused = assertThrows(HubRefusedException.class,
                () -> HubDevice.builder(wrong).connect());

        assertTrue(refused.badCredentials(), refused.getMessage());
    }
}
