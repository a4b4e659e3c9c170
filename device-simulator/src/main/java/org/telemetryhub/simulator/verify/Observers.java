package org.telemetryhub.simulator.verify;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.telemetryhub.simulator.client.HubApi;

/**
 * The live watchers the checker runs during a test: for each observed device, a dashboard subscription (several
 * devices per {@code /ws/dashboard}, within its frame limit) and its own SSE stream, both from offset 0.
 */
public final class Observers {

    /** Devices one dashboard subscribes to: its subscribe frames stay under the 20 frames a second a hub allows. */
    static final int DEVICES_PER_DASHBOARD = 15;

    private final List<DashboardObserver> dashboards = new ArrayList<>();
    private final Map<String, Deliveries> byDashboard = new LinkedHashMap<>();
    private final Map<String, SseObserver> streams = new LinkedHashMap<>();

    private Observers() {}

    /** Opens the dashboards and streams for {@code deviceIds} with the operator's token. */
    public static Observers start(HubApi api, HttpClient http, List<String> deviceIds,
                                  ScheduledExecutorService timers) {
        Observers observers = new Observers();
        for (int from = 0; from < deviceIds.size(); from += DEVICES_PER_DASHBOARD) {
            List<String> group = deviceIds.subList(from, Math.min(deviceIds.size(), from + DEVICES_PER_DASHBOARD));
            DashboardObserver dashboard = new DashboardObserver(http, api.dashboardSocket(), api.token(),
                    List.copyOf(group), timers);
            observers.dashboards.add(dashboard);
            observers.byDashboard.putAll(dashboard.devices());
            dashboard.start();
        }
        for (String id : deviceIds) {
            SseObserver stream = new SseObserver(http, api.base(), id, api.token(), timers);
            observers.streams.put(id, stream);
            stream.start();
        }
        return observers;
    }

    public boolean observes(String deviceId) {
        return streams.containsKey(deviceId);
    }

    Deliveries dashboard(String deviceId) {
        return byDashboard.get(deviceId);
    }

    Deliveries stream(String deviceId) {
        return streams.get(deviceId).deliveries();
    }

    public void stop() {
        dashboards.forEach(DashboardObserver::stop);
        streams.values().forEach(SseObserver::stop);
    }
}
