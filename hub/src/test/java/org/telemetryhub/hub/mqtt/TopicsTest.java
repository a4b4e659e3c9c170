package org.telemetryhub.hub.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The topic rules the embedded authorizers and the broker ACL route share. */
class TopicsTest {

    @Test
    void a_device_publishes_only_under_its_own_prefix_and_nothing_retained() {
        assertTrue(Topics.mayPublish("s-1", "devices/s-1/telemetry", false, false));
        assertTrue(Topics.mayPublish("s-1", "devices/s-1/anything/else", false, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-2/telemetry", false, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-1", false, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-1/", false, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-1/telemetry", true, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-1/telemetry", true, true));
    }

    @Test
    void on_an_external_broker_a_device_may_retain_its_own_presence() {
        assertTrue(Topics.mayPublish("s-1", "devices/s-1/presence", true, true));
        assertFalse(Topics.mayPublish("s-1", "devices/s-1/presence", true, false));
        assertFalse(Topics.mayPublish("s-1", "devices/s-2/presence", true, true));
    }

    @Test
    void a_device_subscribes_only_under_its_own_prefix_and_never_shared() {
        assertTrue(Topics.maySubscribe("s-1", "devices/s-1/verdicts"));
        assertTrue(Topics.maySubscribe("s-1", "devices/s-1/#"));
        assertFalse(Topics.maySubscribe("s-1", "devices/+/verdicts"));
        assertFalse(Topics.maySubscribe("s-1", "devices/#"));
        assertFalse(Topics.maySubscribe("s-1", "#"));
        assertFalse(Topics.maySubscribe("s-1", "$share/g/devices/s-1/verdicts"));
    }

    @Test
    void a_client_id_that_is_no_device_id_may_do_nothing() {
        assertFalse(Topics.mayPublish("", "devices//telemetry", false, false));
        assertFalse(Topics.maySubscribe("a/b", "devices/a/b/verdicts"));
    }

    @Test
    void the_device_of_a_topic_is_read_only_from_a_valid_id_and_the_expected_leaf() {
        assertEquals(Optional.of("s-1"), Topics.deviceOf("devices/s-1/telemetry", Topics.TELEMETRY));
        assertEquals(Optional.empty(), Topics.deviceOf("devices/s-1/presence", Topics.TELEMETRY));
        assertEquals(Optional.empty(), Topics.deviceOf("devices/a/b/telemetry", Topics.TELEMETRY));
        assertEquals(Optional.empty(), Topics.deviceOf("other/s-1/telemetry", Topics.TELEMETRY));
    }
}
