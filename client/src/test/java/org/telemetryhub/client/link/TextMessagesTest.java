package org.telemetryhub.client.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TextMessagesTest {

    private final TextMessages texts = new TextMessages();

    @Test
    void a_message_in_one_fragment_is_whole_at_once() {
        assertEquals("{\"type\":\"ack\",\"seq\":1}", texts.add("{\"type\":\"ack\",\"seq\":1}", true));
    }

    @Test
    void fragments_are_joined_until_the_last_and_the_next_message_starts_afresh() {
        assertNull(texts.add("{\"type\":", false));
        assertNull(texts.add("\"ack\",", false));

        assertEquals("{\"type\":\"ack\",\"seq\":2}", texts.add("\"seq\":2}", true));
        assertEquals("{}", texts.add("{}", true));
    }
}
