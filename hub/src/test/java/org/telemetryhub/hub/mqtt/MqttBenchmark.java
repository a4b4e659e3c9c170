package org.telemetryhub.hub.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.link.TextMessages;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * Figures, not assertions: durable readings/s through the embedded broker (every PUBACK after the group commit) for
 * a few fleet sizes, and PUBACK and device-to-dashboard latency at paced loads up to 5,000 readings/s. Not part of {@code mvn verify} (the
 * name does not end in Test); run it with {@code scripts/bench-mqtt.sh}. Hub, devices and dashboards share one JVM
 * and its cores, so the figures are a floor for the hub alone.
 */
class MqttBenchmark {

    static final Duration WARMUP = Duration.ofSeconds(3);
    static final Duration MEASURE = Duration.ofSeconds(6);
    static TestHub hub;
    static Api admin;
    static int port;
    static int devicesMade;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(TestHub.EMBEDDED_MQTT);
        settings.put("limits.deviceReadingsPerSecond", "10000000");
        settings.put("limits.deviceBurst", "10000000");
        settings.put("limits.connectionsPerAddress", "100000");
        settings.put("dashboard.framesPerSecond", "10000");
        settings.put("dashboard.outboxLimit", "100000");
        hub = TestHub.start(settings);
        admin = hub.admin();
        port = hub.mqttPort();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void durable_readings_per_second_through_the_embedded_broker() throws Exception {
        for (int devices : new int[] {1, 10, 50, 200}) {
            report("single readings", devices, throughput(devices, 1));
        }
        report("batches of 50", 10, throughput(10, 50));
    }

    @Test
    void device_to_dashboard_latency_at_up_to_five_thousand_readings_per_second() throws Exception {
        for (int rate : new int[] {1_000, 2_500, 5_000}) {
            latency(50, rate);
        }
    }

    /** Paced load: {@code devices} devices sharing {@code rate} readings/s, 5 dashboards watching all of them. */
    static void latency(int devices, int rate) throws Exception {
        long periodMicros = 1_000_000L * devices / rate;
        List<MqttDevice> clients = connect(devices);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> toDashboard = Collections.synchronizedList(new ArrayList<>());
        List<Long> toPuback = Collections.synchronizedList(new ArrayList<>());
        List<WebSocket> dashboards = new ArrayList<>();
        int perDashboard = devices / 5;
        for (int d = 0; d < 5; d++) {
            dashboards.add(dashboard(clients.subList(d * perDashboard, (d + 1) * perDashboard), sentAt,
                    toDashboard));
        }
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        AtomicLong sent = new AtomicLong();
        long ts = hub.clock.millis();
        for (MqttDevice client : clients) {
            AtomicLong seq = new AtomicLong();
            pacer.scheduleAtFixedRate(() -> {
                long next = seq.incrementAndGet();
                long now = System.nanoTime();
                sentAt.put(client.deviceId + "#" + next, now);
                client.publishAsync(Topics.telemetry(client.deviceId), Readings.one(next, ts), false)
                        .thenRun(() -> toPuback.add(System.nanoTime() - now));
                sent.incrementAndGet();
            }, ThreadLocalRandom.current().nextLong(periodMicros), periodMicros, TimeUnit.MICROSECONDS);
        }
        Thread.sleep(WARMUP.toMillis());
        toDashboard.clear();
        toPuback.clear();
        long sentBefore = sent.get();
        long started = System.nanoTime();
        Thread.sleep(MEASURE.toMillis());
        double offered = (sent.get() - sentBefore) / ((System.nanoTime() - started) / 1e9);
        long[] dashboard = sorted(toDashboard);
        long[] puback = sorted(toPuback);
        pacer.shutdownNow();
        dashboards.forEach(WebSocket::abort);
        clients.forEach(MqttDevice::close);
        System.out.printf("MQTT benchmark: %.0f readings/s offered by %d devices: PUBACK p50 %.1f ms, p99 %.1f ms; "
                        + "device -> dashboard p50 %.1f ms, p99 %.1f ms (%d readings seen by 5 dashboards)%n",
                offered, devices, percentile(puback, 0.50), percentile(puback, 0.99), percentile(dashboard, 0.50),
                percentile(dashboard, 0.99), dashboard.length);
    }

    static long[] sorted(List<Long> sample) {
        long[] values;
        synchronized (sample) {
            values = sample.stream().mapToLong(Long::longValue).toArray();
        }
        Arrays.sort(values);
        return values;
    }

    /** PUBACKed readings per second with {@code devices} devices each keeping 10 publishes in flight. */
    static double throughput(int devices, int perPublish) throws Exception {
        List<MqttDevice> clients = connect(devices);
        AtomicLong stored = new AtomicLong();
        long ts = hub.clock.millis();
        List<Thread> threads = new ArrayList<>();
        for (MqttDevice client : clients) {
            Semaphore window = new Semaphore(10);
            Thread thread = new Thread(() -> {
                long seq = 1;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        window.acquire();
                        String frame = perPublish == 1 ? Readings.one(seq, ts) : Readings.batch(seq, perPublish, ts);
                        seq += perPublish;
                        client.publishAsync(Topics.telemetry(client.deviceId), frame, false).whenComplete((ack, e) -> {
                            if (e == null && ack.stored()) {
                                stored.addAndGet(perPublish);
                            }
                            window.release();
                        });
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(WARMUP.toMillis());
        long before = stored.get();
        long started = System.nanoTime();
        Thread.sleep(MEASURE.toMillis());
        double rate = (stored.get() - before) / ((System.nanoTime() - started) / 1e9);
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            thread.join();
        }
        clients.forEach(MqttDevice::close);
        return rate;
    }

    static List<MqttDevice> connect(int devices) {
        List<MqttDevice> clients = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            Api.Device device = admin.provision("bench-" + devicesMade++);
            clients.add(MqttDevice.connect(port, device.id(), admin.ticket(device)));
        }
        return clients;
    }

    /** A dashboard on these devices' rooms that notes when each reading arrives; returns once it is subscribed. */
    static WebSocket dashboard(List<MqttDevice> devices, Map<String, Long> sentAt, List<Long> latencies)
            throws Exception {
        TextMessages texts = new TextMessages();
        CountDownLatch subscribed = new CountDownLatch(devices.size());
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + admin.token())
                .buildAsync(hub.dashboardSocket(), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        long now = System.nanoTime();
                        return texts.onText(webSocket, data, last,
                                text -> note(text, now, sentAt, latencies, subscribed));
                    }
                }).join();
        for (MqttDevice device : devices) {
            socket.sendText("{\"type\":\"subscribe\",\"device\":\"" + device.deviceId + "\"}", true).join();
        }
        if (!subscribed.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a dashboard did not get its subscriptions within 10 s");
        }
        return socket;
    }

    static void note(String text, long now, Map<String, Long> sentAt, List<Long> latencies,
                     CountDownLatch subscribed) {
        try {
            JsonNode message = Api.JSON.readTree(text);
            if (message.path("type").asText().equals("subscribed")) {
                subscribed.countDown();
            } else if (message.path("type").asText().equals("reading")) {
                Long sent = sentAt.remove(message.get("device").asText() + "#" + message.get("seq").asLong());
                if (sent != null) {
                    latencies.add(now - sent);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    static void report(String what, int devices, double rate) {
        System.out.printf("MQTT benchmark: %s, %d device(s): %.0f durable readings/s%n", what, devices, rate);
    }
}
