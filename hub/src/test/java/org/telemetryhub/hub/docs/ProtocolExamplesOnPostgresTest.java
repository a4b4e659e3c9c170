package org.telemetryhub.hub.docs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.telemetryhub.hub.support.PostgresSchema;

/**
 * The protocol reference again, with the hub's store on PostgreSQL instead of H2: every example (tickets, operator
 * sessions, dedup and seq conflicts, offsets, resume, history buckets, retention, presence) must hold on both, which
 * is what keeps the SQL portable. Needs the server that {@code TEST_POSTGRES_URL} names; the CI script starts one.
 */
class ProtocolExamplesOnPostgresTest extends ProtocolExamplesTest {

    private PostgresSchema schema;

    @Override
    Map<String, String> storeSettings() {
        schema = PostgresSchema.create().orElse(null);
        assumeTrue(schema != null, "no PostgreSQL server: set " + PostgresSchema.URL_VARIABLE
                + " to a JDBC URL with user and password (.ci/run starts a server and sets it)");
        return Map.of("store.url", schema.storeUrl());
    }

    @AfterAll
    @Override
    void stop() {
        super.stop();
        if (schema != null) {
            schema.close();
        }
    }
}
