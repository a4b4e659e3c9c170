package org.telemetryhub.hub.docs;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a socket or a stream has received and the example has not read yet, in arrival order. Reading waits at most
 * 10 s, so a hub that stays silent fails the example instead of hanging the build.
 */
final class EventQueue<E> {

    private final BlockingQueue<E> events = new LinkedBlockingQueue<>();
    private final String nothing;

    /**
     * {@code nothing} names what did not come, for the failure: "nothing" on a socket, "no event" on a stream (whose
     * keep-alive comments are no events).
     */
    EventQueue(String nothing) {
        this.nothing = nothing;
    }

    void add(E event) {
        events.add(event);
    }

    /** The next event, or an error after 10 s. */
    E next() {
        try {
            E event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("the hub sent " + nothing + " within 10 s");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An event that arrived and was not expected yet, if any. */
    E unread() {
        return events.peek();
    }
}
