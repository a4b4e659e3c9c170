package org.telemetryhub.hub.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.hub.rooms.PresenceTracker;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;

/**
 * {@code POST /api/devices/{id}/readings}: HTTP ingest through the same pipeline as the sockets. The answer waits
 * for the commit, so every seq in {@code acked} is stored; each committed request keeps the device's presence.
 */
public final class IngestRoutes {

    private final DeviceGate gate;
    private final IngestPipeline pipeline;
    private final PresenceTracker presence;

    public IngestRoutes(DeviceGate gate, IngestPipeline pipeline, PresenceTracker presence) {
        this.gate = gate;
        this.pipeline = pipeline;
        this.presence = presence;
    }

    public void register(Router router) {
        router.add("POST", "/api/devices/{id}/readings", this::ingest);
    }

    private void ingest(Exchange exchange) {
        DeviceRef device = gate.require(exchange);
        IngestPipeline.FrameResult result = pipeline.accept(device, exchange.body());
        if (result instanceof IngestPipeline.Refused refused) {
            HubMessage.Error error = refused.error();
            if (error.retryAfterMs() != null) {
                exchange.response().getHeaders().put("Retry-After",
                        Long.toString((error.retryAfterMs() + 999) / 1000));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", error.error());
                body.put("message", error.message());
                body.put("retryAfterMs", error.retryAfterMs());
                body.put("seqs", error.seqs());
                exchange.json(error.error().equals(ErrorCode.STORE_UNAVAILABLE.wire()) ? 503 : 429, body);
            } else {
                exchange.json(400, Map.of("error", error.error(), "message", error.message()));
            }
            return;
        }
        IngestPipeline.Accepted accepted = (IngestPipeline.Accepted) result;
        accepted.committed().whenComplete((verdicts, failure) -> {
            if (failure != null) {
                exchange.error(new ApiError(503, ErrorCode.STORE_UNAVAILABLE,
                        "the store did not commit these readings; resend them"));
                return;
            }
            List<Map<String, Object>> rejected = new ArrayList<>();
            for (HubMessage.Rejected r : accepted.rejectedNow()) {
                rejected.add(describe(r));
            }
            for (HubMessage.Rejected r : verdicts.rejected()) {
                rejected.add(describe(r));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("acked", verdicts.acked());
            answer.put("rejected", rejected);
            exchange.json(200, answer);
            presence.readingOverHttp(device);
        });
    }

    private static Map<String, Object> describe(HubMessage.Rejected rejected) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", rejected.seq());
        entry.put("error", rejected.error());
        entry.put("message", rejected.message());
        return entry;
    }
}
