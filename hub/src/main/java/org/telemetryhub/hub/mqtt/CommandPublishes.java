package org.telemetryhub.hub.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A delivery link's publishes of the commands it was offered, on the embedded broker or through the bridge. */
final class CommandPublishes {

    private CommandPublishes() {}

    /**
     * Runs {@code taken} once the broker has handed every command on (each future true), else {@code notHanded}: the
     * commands then stay queued for the device's next connection.
     */
    static void whenAllHanded(List<CompletableFuture<Boolean>> handed, Runnable taken, Runnable notHanded) {
        CompletableFuture.allOf(handed.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
            if (failure == null && handed.stream().allMatch(CompletableFuture::join)) {
                taken.run();
            } else {
                notHanded.run();
            }
        });
    }
}
