package org.telemetryhub.hub.http;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;

/**
 * {@code GET /api/devices/{id}/export?from&to&format=csv|ndjson}: a device's readings with {@code from <= ts < to},
 * in ts order, streamed from the store to the client as they are read, never held whole. The export holds the
 * readings stored when it began (offsets up to the device's last one then). CSV has the columns
 * {@code offset,seq,ts} and then one per metric, by name; the metric names come from a first pass over the same
 * readings, so a metric that appears only in later readings still gets its column (its cells are empty before), and
 * a reading without a metric leaves that cell empty.
 */
public final class ExportRoutes {

    private static final int BUFFER_CHARS = 64 * 1024;

    private final OperatorGate gate;
    private final DeviceAccess access;
    private final ReadingStore store;

    public ExportRoutes(OperatorGate gate, DeviceAccess access, ReadingStore store) {
        this.gate = gate;
        this.access = access;
        this.store = store;
    }

    public void register(Router router) {
        router.add("GET", "/api/devices/{id}/export", this::export);
    }

    private void export(Exchange exchange) throws IOException {
        Operator operator = gate.require(exchange).operator();
        DeviceRef device = access.visible(exchange, operator);
        long from = Query.requiredTime(exchange, "from", "");
        long to = Query.requiredTime(exchange, "to", "");
        if (to <= from) {
            throw ApiError.badMessage("to must be after from, but was " + to + " <= " + from);
        }
        String format = exchange.query("format") == null ? "csv" : exchange.query("format");
        if (!format.equals("csv") && !format.equals("ndjson")) {
            throw ApiError.badMessage("format must be csv or ndjson, but was \"" + Ids.echo(format) + "\"");
        }
        long upTo = store.lastOffset(device.key());
        Set<String> metrics = new TreeSet<>();
        if (format.equals("csv")) {
            store.scan(device.key(), from, to, stored -> {
                if (stored.offset() <= upTo) {
                    metrics.addAll(stored.reading().metrics().keySet());
                }
            });
        }
        exchange.response().setStatus(200);
        exchange.response().getHeaders().put(HttpHeader.CONTENT_TYPE, format.equals("csv")
                ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
        exchange.response().getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        exchange.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\""
                + device.id() + "_" + from + "-" + to + "." + format + "\"");
        try (Writer out = new BufferedWriter(new OutputStreamWriter(
                Content.Sink.asOutputStream(exchange.response()), StandardCharsets.UTF_8), BUFFER_CHARS)) {
            if (format.equals("csv")) {
                out.write("offset,seq,ts");
                for (String metric : metrics) {
                    out.write(',');
                    out.write(metric);
                }
                out.write('\n');
            }
            Set<String> columns = format.equals("csv") ? metrics : null;
            store.scan(device.key(), from, to, stored -> {
                if (stored.offset() <= upTo) {
                    write(out, stored, columns);
                }
            });
        } catch (IOException | RuntimeException e) {
            exchange.fail(e); // the answer has begun: the client sees it cut off, not completed
            return;
        }
        exchange.callback().succeeded();
    }

    /** One reading as a CSV row under these metric columns, or (with none) as one NDJSON line. */
    private static void write(Writer out, StoredReading stored, Set<String> columns) {
        try {
            if (columns == null) {
                out.write(Wire.encode(StreamRoutes.describe(stored)));
                out.write('\n');
                return;
            }
            out.write(Long.toString(stored.offset()));
            out.write(',');
            out.write(Long.toString(stored.reading().seq()));
            out.write(',');
            out.write(Long.toString(stored.reading().ts()));
            Map<String, Double> values = stored.reading().metrics();
            for (String metric : columns) {
                out.write(',');
                Double value = values.get(metric);
                if (value != null) {
                    out.write(value.toString());
                }
            }
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
