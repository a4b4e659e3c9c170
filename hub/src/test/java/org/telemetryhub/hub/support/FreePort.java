package org.telemetryhub.hub.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port no one listens on now, for a server a test starts (and may restart) on a port it knows; never one this
 * JVM handed out before, and never one from the system's ephemeral range. The system gives ports of that range to
 * every {@code bind} on port 0 and every outgoing connection: a hub a test had killed to restart on the same port
 * lost that port, while it was free, to another test's broker listening on port 0. Below the range only this class
 * hands ports out.
 */
public final class FreePort {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Ports below the ephemeral range this class draws from. */
    private static final int SPAN = 10_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePort() {}

    public static int any() {
        int end = Math.max(1_024 + SPAN, ephemeralStart());
        int start = end - SPAN;
        int first = ThreadLocalRandom.current().nextInt(start, end); // apart from another test JVM's choices
        for (int i = 0; i < end - start; i++) {
            int port = start + (first - start + i) % (end - start);
            if (!GIVEN.contains(port) && free(port) && GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free TCP port in " + start + "-" + (end - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the system's ephemeral range (Linux's default where the system does not say). */
    private static int ephemeralStart() {
        try {
            // a line read, not the file's size: the system reports a size that is not its text's
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
