package org.telemetryhub.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;

class ProvisionerTest {

    private static final Pattern DEVICE_ID = Pattern.compile("\"deviceId\":\"([^\"]+)\"");

    @Test
    void provisionsEveryDeviceInOrderWithAtMostTheWindowInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger waves = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Object window = new Object();
        try (FakeHub hub = new FakeHub()) {
            hub.route("/api/devices", exchange -> {
                String id = deviceId(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                // hold each request until the window is full (or no more can come), so the requests overlap
                synchronized (window) {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    int wave = waves.get();
                    if (inFlight.get() >= Math.min(4, 60 - answered.get())) {
                        waves.incrementAndGet(); // the window is full: release it, this request included
                        window.notifyAll();
                    }
                    long until = System.nanoTime() + 1_000_000_000L;
                    while (waves.get() == wave && System.nanoTime() < until) {
                        try {
                            window.wait(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    inFlight.decrementAndGet();
                    answered.incrementAndGet();
                }
                FakeHub.answer(exchange, 201, "{\"deviceId\":\"" + id + "\",\"secret\":\"secret-of-" + id + "\"}");
            });
            Provisioner provisioner = new Provisioner(new HubApi(HubOptions.httpClient(), hub.base()), 4);
            FreshDeviceIds ids = FreshDeviceIds.forRun("test");

            List<Provisioner.Device> devices = provisioner.provision(ids, 60, "bench", 10_000);

            assertEquals(60, devices.size());
            assertEquals(60, provisioner.provisioned());
            for (int i = 0; i < 60; i++) {
                assertEquals(ids.id(i + 1), devices.get(i).id());
                assertEquals("secret-of-" + ids.id(i + 1), devices.get(i).secret());
            }
            assertTrue(most.get() <= 4, "up to 4 requests in flight, but there were " + most.get());
        }
    }

    @Test
    void theFirstRefusalStopsItAndNamesTheDeviceAndTheHubsAnswer() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            FreshDeviceIds ids = FreshDeviceIds.forRun("test");
            String refused = ids.id(7);
            hub.route("/api/devices", exchange -> {
                String id = deviceId(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (id.equals(refused)) {
                    FakeHub.answer(exchange, 409, "{\"error\":\"device_exists\",\"message\":\"already there\"}");
                } else {
                    FakeHub.answer(exchange, 201, "{\"secret\":\"s\"}");
                }
            });
            Provisioner provisioner = new Provisioner(new HubApi(HubOptions.httpClient(), hub.base()), 2);

            SimulatorException e = assertThrows(SimulatorException.class,
                    () -> provisioner.provision(ids, 1_000, "bench", 10_000));

            assertTrue(e.getMessage().contains("provision device " + refused + " failed: 409 device_exists"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("of 1000 devices"), e.getMessage());
            assertTrue(provisioner.provisioned() < 1_000, "it went on after the refusal");
        }
    }

    private static String deviceId(String body) {
        Matcher m = DEVICE_ID.matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }
}
