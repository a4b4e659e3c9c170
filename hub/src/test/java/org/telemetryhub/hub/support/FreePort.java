package org.telemetryhub.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP port no one listens on now, for a server a test starts (and may restart) on a port it knows; never one this
 * JVM handed out before. The system may give the port it just freed to the next probe, so a test that took one port
 * for the MQTT broker and then one for HTTP got the same twice, and the hub could not bind its second listener.
 */
public final class FreePort {

    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePort() {}

    public static int any() {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            while (true) {
                ServerSocket probe = new ServerSocket(0); // held until the end, so the next probe gets another port
                probes.add(probe);
                if (GIVEN.add(probe.getLocalPort())) {
                    return probe.getLocalPort();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket probe : probes) {
                try {
                    probe.close();
                } catch (IOException e) {
                    // a probe that will not close still frees its port when the JVM exits
                }
            }
        }
    }
}
