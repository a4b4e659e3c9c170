package org.telemetryhub.simulator.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU the benchmark process itself burns during the window, and the machine's load (the hub shares it). Shared by the
 * benchmarks, whose load generator runs on the hub's machine and must show that it left the hub room.
 */
final class CpuProbe {

    private final com.sun.management.OperatingSystemMXBean os = osBean();
    private long cpuAtStart = -1;
    private long nanosAtStart;
    private volatile double cores = Double.NaN;
    private double loadSum;
    private int loadSamples;

    private static com.sun.management.OperatingSystemMXBean osBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b
                ? b : null;
    }

    void windowStarted() {
        if (os != null) {
            cpuAtStart = os.getProcessCpuTime();
            nanosAtStart = System.nanoTime();
        }
    }

    void windowEnded() {
        if (os != null && cpuAtStart >= 0) {
            cores = (os.getProcessCpuTime() - cpuAtStart) / (double) (System.nanoTime() - nanosAtStart);
        }
    }

    synchronized void sampleSystem() {
        if (os != null) {
            double load = os.getCpuLoad();
            if (load >= 0) {
                loadSum += load;
                loadSamples++;
            }
        }
    }

    double benchCores() {
        return cores;
    }

    synchronized double systemLoad() {
        return loadSamples == 0 ? Double.NaN : loadSum / loadSamples;
    }
}
