package org.telemetryhub.hub.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names a query selects, told apart from its functions, labels and variables, and checked against a scrape. */
class MetricNamesTest {

    static final String SCRAPE = """
            # HELP hub_ack_latency_seconds From a frame's arrival to its verdicts
            # TYPE hub_ack_latency_seconds summary
            hub_ack_latency_seconds{quantile="0.99"} 0.12
            hub_ack_latency_seconds_count 1
            hub_ack_latency_seconds_sum 0.12
            # TYPE hub_readings_accepted_total counter
            hub_readings_accepted_total 1.0
            """;

    @Test
    void an_expression_names_its_metrics_but_not_its_functions_keywords_labels_values_or_variables() {
        String expression = "sum by (code) (rate(hub_frames_refused_total{job=\"$job\", code=~\"rate|store\"}"
                + "[$__rate_interval])) / on (instance) group_left max without (pod) (hub_commit_queue offset 5m)"
                + " > bool 0.5 * histogram_quantile(0.99, up) unless absent(process_cpu_usage{area='heap'})";

        Set<String> names = MetricNames.in(expression);

        assertEquals(Set.of("hub_frames_refused_total", "hub_commit_queue", "up", "process_cpu_usage"), names);
    }

    @Test
    void a_made_up_metric_is_not_among_the_names_a_scrape_exports() {
        Set<String> exported = MetricNames.exported(SCRAPE);

        assertFalse(exported.containsAll(MetricNames.in("rate(hub_readings_made_up_total[5m])")));
        assertFalse(exported.containsAll(MetricNames.in("histogram_quantile(0.99, hub_ack_latency_seconds_bucket)")),
                "a summary has no buckets");
        assertTrue(exported.containsAll(MetricNames.in(
                "rate(hub_ack_latency_seconds_sum[5m]) / rate(hub_ack_latency_seconds_count[5m])")));
        assertTrue(exported.containsAll(MetricNames.in("up == 0 or hub_readings_accepted_total")),
                "up is Prometheus's own");
    }

    @Test
    void a_grafana_variable_query_names_the_metric_of_its_selector_but_not_the_label_it_lists() {
        Set<String> names = MetricNames.inVariableQuery("label_values(hub_readings_accepted_total{job=\"$job\"}, "
                + "instance)");

        assertEquals(Set.of("hub_readings_accepted_total"), names);
    }
}
