package org.telemetryhub.simulator;

import java.util.concurrent.ThreadFactory;

/**
 * Threads for the tools' executors. They are daemons, so a pool a command forgets to shut down on some failure path
 * never keeps the JVM alive after the command has returned its exit code.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Daemon threads named {@code name}, the name a thread dump shows for the tool's part. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
