package org.telemetryhub.hub.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.CommandResult;
import org.telemetryhub.client.DeviceCredentials;
import org.telemetryhub.client.HubDevice;
import org.telemetryhub.client.Verdict;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;

/**
 * The README's device SDK example, run against a real hub whose default namespace takes temperatures up to 85; the
 * README's code block is this file's example region, to the letter.
 */
class SdkExampleTest {

    private static final Path THIS_FILE = Path.of("src/test/java/org/telemetryhub/hub/sdk/SdkExampleTest.java");
    private static final Path README = Path.of("../README.md");

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("namespaces.default.ranges.temperature.min", "-40",
                "namespaces.default.ranges.temperature.max", "85"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static List<Verdict> example(String hubUrl, String secret) {
        // example:start
        DeviceCredentials credentials = DeviceCredentials.of(hubUrl, "greenhouse-1", secret);
        List<Verdict> verdicts = new ArrayList<>();
        try (HubDevice device = HubDevice.builder(credentials)
                .overWebSocket()                                   // or .overMqtt(), .overHttp()
                .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))
                .onCommand(command -> command.name().equals("set_interval")
                        ? CommandResult.ok(Map.of("intervalMs", command.args().path("intervalMs").asLong()))
                        : CommandResult.failed("unknown command " + command.name()))
                .onDesiredState(delta -> Map.of("mode", delta.delta().path("mode").asText()))
                .connect()) {                                      // a wrong secret throws HubRefusedException
            long seq = device.lastStoredSeq();                     // number on from what the hub has stored
            long now = System.currentTimeMillis();
            CompletionStage<Verdict> one = device.send(new Reading(++seq, now, Map.of("temperature", 21.5)));
            CompletionStage<List<Verdict>> batch = device.send(List.of(
                    new Reading(++seq, now + 1, Map.of("temperature", 21.6)),
                    new Reading(++seq, now + 2, Map.of("temperature", 90.5))));
            verdicts.add(one.toCompletableFuture().join());          // Accepted[seq=1]
            verdicts.addAll(batch.toCompletableFuture().join());     // Accepted[seq=2], Rejected[seq=3, ...]
        }
        // example:end
        return verdicts;
    }

    @Test
    void the_readme_example_stores_two_readings_and_hears_why_the_third_is_refused() {
        Api.Device device = admin.provision("greenhouse-1");

        List<Verdict> verdicts = example(hub.url(), device.secret());

        assertEquals(new Verdict.Accepted(1), verdicts.get(0));
        assertEquals(new Verdict.Accepted(2), verdicts.get(1));
        Verdict.Rejected rejected = (Verdict.Rejected) verdicts.get(2);
        assertEquals("metric_out_of_range", rejected.error());
        assertEquals("reading.metrics.temperature must be in [-40.0, 85.0] in namespace default, but was 90.5 "
                + "(device greenhouse-1, seq 3)", rejected.message());
        assertEquals(2, hub.storedCount("greenhouse-1"));
    }

    @Test
    void the_readme_shows_the_example_as_it_is_in_this_test() throws IOException {
        String source = Files.readString(THIS_FILE, StandardCharsets.UTF_8);
        String region = source.substring(source.indexOf("// example:start\n") + "// example:start\n".length(),
                source.indexOf("// example:end"));
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int block = readme.indexOf("```java\n", readme.indexOf("## Device SDK")) + "```java\n".length();

        assertEquals(region.stripIndent(), readme.substring(block, readme.indexOf("```\n", block)));
    }

    @Test
    void a_device_carries_out_a_command_and_reports_its_desired_state() {
        Api.Device device = admin.provision("greenhouse-2");
        String commandId = admin.post("/api/devices/greenhouse-2/commands",
                Map.of("name", "set_interval", "args", Map.of("intervalMs", 5000))).body().get("commandId").asText();
        admin.put("/api/devices/greenhouse-2/state/desired", Map.of("mode", "eco"), Map.of("If-Match", "\"0\""));

        try (HubDevice sdk = HubDevice.builder(DeviceCredentials.of(hub.url(), device.id(), device.secret()))
                .onCommand(command -> CommandResult.ok(Map.of("intervalMs",
                        command.args().path("intervalMs").asLong())))
                .onDesiredState(delta -> Map.of("mode", delta.delta().path("mode").asText()))
                .connect()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/devices/greenhouse-2/state").body()
                    .path("delta").isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/devices/greenhouse-2/commands")
                    .body().path("commands").get(0).path("status").asText().equals("succeeded"));
        }

        Api.Answer commands = admin.get("/api/devices/greenhouse-2/commands");
        assertEquals(commandId, commands.body().path("commands").get(0).path("commandId").asText());
        assertEquals(5000, commands.body().path("commands").get(0).path("result").path("intervalMs").asInt());
        assertEquals("eco", admin.get("/api/devices/greenhouse-2/state").body().path("reported").path("mode")
                .asText());
    }
}
