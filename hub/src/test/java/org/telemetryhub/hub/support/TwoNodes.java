package org.telemetryhub.hub.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.Map;

/**
 * Two hub nodes sharing one fresh PostgreSQL schema, as a deployment that outgrew one machine runs them; a test class
 * using them is skipped where no server is configured ({@link PostgresSchema#URL_VARIABLE}). Closed in reverse order.
 */
public final class TwoNodes implements AutoCloseable {

    public final PostgresSchema schema;
    public final TestHub first;
    public final TestHub second;

    private TwoNodes(PostgresSchema schema, TestHub first, TestHub second) {
        this.schema = schema;
        this.first = first;
        this.second = second;
    }

    /** Starts both nodes with these settings besides the shared {@code store.url}. */
    public static TwoNodes start(Map<String, String> settings) {
        PostgresSchema schema = PostgresSchema.create().orElse(null);
        assumeTrue(schema != null, "no PostgreSQL server: set " + PostgresSchema.URL_VARIABLE);
        Map<String, String> all = new HashMap<>(settings);
        all.put("store.url", schema.storeUrl());
        TestHub first = null;
        try {
            first = TestHub.start(all);
            return new TwoNodes(schema, first, TestHub.start(all));
        } catch (RuntimeException e) {
            if (first != null) {
                first.close();
            }
            schema.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            second.close();
            first.close();
        } finally {
            schema.close();
        }
    }
}
