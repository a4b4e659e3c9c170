package org.telemetryhub.hub;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.telemetryhub.hub.config.ConfigException;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;

/** Starts the hub: {@code java -jar hub.jar [config/hub.yaml]}; every setting can also come from HUB_* variables. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        HubConfig config;
        try {
            config = ConfigLoader.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        } catch (ConfigException e) {
            System.err.println("hub: " + e.getMessage());
            System.exit(2);
            return;
        }
        Hub hub;
        try {
            hub = Hub.start(config, Clock.systemUTC());
        } catch (Exception e) {
            // the hub has closed what it had started; threads of a half-started broker must not keep the JVM alive
            System.err.println("hub: did not start: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "hub-shutdown"));
        System.out.println("Telemetry hub is running. Dashboard: " + hub.url() + "/");
        if (config.adminPassword().isEmpty()) {
            System.out.println("Sign in as admin with the password in "
                    + config.store().dir().resolve("admin-password").toAbsolutePath().normalize());
        }
        stopped.await();
    }
}
