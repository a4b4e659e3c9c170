package org.telemetryhub.simulator.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.telemetryhub.simulator.client.HubApi;

/**
 * The end of a benchmark: its sockets closed normally (the rest aborted after 5 s, so a hub that stopped answering
 * cannot hold the benchmark), then its devices deleted, so a hub that lives on is not left with thousands of them.
 */
final class BenchTeardown {

    private BenchTeardown() {
    }

    static void closeAll(List<BenchDevice> fleet) {
        List<CompletableFuture<Void>> closing = fleet.stream().map(BenchDevice::close).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // closing is best effort; abort below
        }
        fleet.forEach(BenchDevice::abort);
    }

    /** Deletes the devices, several at a time on {@code pool}; a failure is a warning, not the run's result. */
    static void deleteAll(HubApi api, List<String> ids, ExecutorService pool, PrintWriter err) {
        List<Future<?>> deletions = new ArrayList<>();
        for (String id : ids) {
            deletions.add(pool.submit(() -> api.delete(id)));
        }
        int failed = 0;
        String firstFailure = null;
        for (Future<?> deletion : deletions) {
            try {
                deletion.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = e instanceof ExecutionException ? e.getCause().getMessage() : "timed out";
                }
            }
        }
        if (failed > 0) {
            err.println("warning: " + failed + " benchmark devices were not deleted (first: " + firstFailure + ")");
        }
    }
}
