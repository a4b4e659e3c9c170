package org.telemetryhub.hub.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.telemetryhub.hub.ops.HubMetrics;

/**
 * Liveness, readiness and Prometheus metrics; no authentication, nothing secret. The hub is not ready while its store
 * does not answer or its disk is below the free-space floor (it then takes no readings).
 */
public final class OpsRoutes {

    private final BooleanSupplier storeReady;
    private final BooleanSupplier diskLow;
    private final Supplier<String> mqttState;
    private final HubMetrics metrics;

    public OpsRoutes(BooleanSupplier storeReady, BooleanSupplier diskLow, Supplier<String> mqttState,
                     HubMetrics metrics) {
        this.storeReady = storeReady;
        this.diskLow = diskLow;
        this.mqttState = mqttState;
        this.metrics = metrics;
    }

    public void register(Router router) {
        router.add("GET", "/health/live", exchange -> exchange.json(200, Map.of("status", "up")));
        router.add("GET", "/health/ready", this::health);
        router.add("GET", "/health", this::health);
        router.add("GET", "/metrics", exchange ->
                exchange.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    private void health(Exchange exchange) {
        boolean storeUp = storeReady.getAsBoolean();
        boolean diskOk = !diskLow.getAsBoolean();
        boolean ready = storeUp && diskOk;
        String mqtt = mqttState.get();
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("store", storeUp ? "up" : "down");
        components.put("disk", diskOk ? "ok" : "low");
        components.put("mqtt", mqtt);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", !ready ? "down" : mqtt.equals("down") ? "degraded" : "up");
        answer.put("components", components);
        exchange.json(ready ? 200 : 503, answer);
    }
}
