package org.telemetryhub.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.telemetryhub.client.link.Frame;
import org.telemetryhub.client.link.FrameVerdict;
import org.telemetryhub.client.link.Link;
import org.telemetryhub.client.link.LinkListener;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Reading;

/**
 * A device connected to its hub. It keeps every reading it is given until the hub judges it, resends what is left
 * after a reconnect or a refusal for now ({@code rate_limited}, {@code store_unavailable}), and reconnects with a fresh
 * ticket, with exponential backoff and jitter, whenever its link goes. Each reading's {@link Verdict} completes the
 * stage {@link #send} returned. On every transport it also carries out the hub's commands and applies its desired
 * state, when given handlers for them.
 *
 * <pre>{@code
 * try (HubDevice device = HubDevice.builder(DeviceCredentials.of(hubUrl, "sensor-1", secret))
 *         .overWebSocket()
 *         .onCommand(command -> CommandResult.ok(Map.of()))
 *         .connect()) {
 *     long seq = device.lastStoredSeq() + 1;
 *     device.send(new Reading(seq, System.currentTimeMillis(), Map.of("temperature", 21.5)))
 *             .thenAccept(verdict -> System.out.println(verdict));
 * }
 * }</pre>
 *
 * <p>All work happens on the device's own thread: handlers must not block it for long.
 */
public final class HubDevice implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final DeviceCredentials credentials;
    private final Transport transport;
    private final Tickets tickets;
    private final Backoff backoff;
    private final int maxBatch;
    private final CommandHandler commands;
    private final DesiredStateHandler desiredState;
    private final ScheduledExecutorService thread;
    private final Random random = new Random();
    private final Unacked unacked = new Unacked();
    private final CompletableFuture<Void> firstLink = new CompletableFuture<>();

    private Link link;
    /** What the link being opened heard before it was handed over (the hub speaks first: commands, a delta). */
    private final List<HubMessage> heardEarly = new ArrayList<>();
    private int generation;
    private int failures;
    private boolean closed;
    private volatile long lastStoredSeq = -1;
    private volatile boolean up;
    private volatile Thread deviceThread;

    HubDevice(HubDeviceBuilder builder) {
        this.credentials = builder.credentials;
        this.transport = builder.transport.apply(builder.http);
        this.tickets = new Tickets(new HubCalls(builder.http, credentials.hub()));
        this.backoff = builder.backoff;
        this.maxBatch = Math.min(builder.maxBatch, transport.maxBatch());
        this.commands = builder.commands;
        this.desiredState = builder.desiredState;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "hub-device-" + credentials.deviceId());
            t.setDaemon(true);
            deviceThread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.thread = executor;
    }

    /** A builder for a device with these credentials: WebSocket, backoff from 0.5 s up to 30 s, unless told. */
    public static HubDeviceBuilder builder(DeviceCredentials credentials) {
        return new HubDeviceBuilder(credentials);
    }

    public String deviceId() {
        return credentials.deviceId();
    }

    /** The highest seq the hub had stored for this device when it connected: number new readings after it. */
    public long lastStoredSeq() {
        return lastStoredSeq;
    }

    /** Whether a link is open now. */
    public boolean connected() {
        return up;
    }

    /** How many readings still wait for their verdict. */
    public int unacked() {
        Integer count = call(unacked::size);
        return count == null ? 0 : count;
    }

    /** Sends one reading; the stage completes with its verdict, however many reconnects that takes. */
    public CompletionStage<Verdict> send(Reading reading) {
        return send(List.of(reading)).thenApply(verdicts -> verdicts.get(0));
    }

    /**
     * Sends readings as one batch (several frames when the transport carries fewer per frame); the stage completes
     * with their verdicts, in the order given, once the hub judged them all.
     */
    public CompletionStage<List<Verdict>> send(List<Reading> readings) {
        List<Reading> batch = List.copyOf(readings);
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<CompletableFuture<Verdict>>> kept = new CompletableFuture<>();
        run(() -> {
            if (closed) {
                kept.completeExceptionally(new HubException("device " + deviceId() + " is closed"));
                return;
            }
            kept.complete(batch.stream().map(unacked::keep).toList());
            transmit(batch.stream().map(Reading::seq).toList());
        });
        return kept.thenCompose(verdicts -> CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new))
                .thenApply(all -> verdicts.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Reports state, which replaces what the device reported before, on the open link: a {@code state} message over
     * WebSocket, a publish to {@code devices/{id}/state/reported} over MQTT, {@code PUT .../state/reported} over
     * HTTP. Dropped when no link is open.
     */
    public void reportState(Map<String, Object> reported) {
        DeviceControl.State state = new DeviceControl.State(new LinkedHashMap<>(reported));
        run(() -> {
            if (link != null) {
                link.control(state);
            }
        });
    }

    /** Closes the link and stops; readings still without a verdict fail with a {@link HubException}. */
    @Override
    public void close() {
        call(() -> {
            closed = true;
            up = false;
            if (link != null) {
                link.close();
                link = null;
            }
            unacked.failAll(new HubException("device " + deviceId() + " was closed before the hub judged the "
                    + "reading"));
            return null;
        });
        thread.shutdown();
        transport.close();
    }

    // ---- on the device's thread

    void connectFirst() {
        run(this::openLink);
        try {
            firstLink.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof HubException hub ? hub
                    : new HubException("connecting device " + deviceId() + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            close();
            throw new HubException("device " + deviceId() + " could not connect within "
                    + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new HubException("connecting device " + deviceId() + " was interrupted");
        }
    }

    private void openLink() {
        int gen = ++generation;
        heardEarly.clear();
        tickets.requestAsync(credentials.deviceId(), credentials.secret())
                .thenCompose(ticket -> {
                    lastStoredSeq = Math.max(lastStoredSeq, ticket.lastSeq());
                    return transport.open(credentials.deviceId(), ticket, new LinkListener() {
                        @Override
                        public void down(String why) {
                            run(() -> linkDown(gen));
                        }

                        @Override
                        public void heard(HubMessage message) {
                            run(() -> HubDevice.this.heard(gen, message));
                        }
                    });
                })
                .whenCompleteAsync((opened, failure) -> opened(gen, opened, failure), thread);
    }

    private void opened(int gen, Link opened, Throwable failure) {
        if (gen != generation || closed) {
            if (opened != null) {
                opened.close();
            }
            return;
        }
        if (failure != null) {
            Throwable cause = HubException.unwrap(failure);
            if (!firstLink.isDone()) {
                firstLink.completeExceptionally(cause);
                return;
            }
            if (cause instanceof HubRefusedException refused && refused.badCredentials()) {
                closed = true;
                unacked.failAll(refused);
                return;
            }
            long asked = cause instanceof HubRefusedException refused ? refused.retryAfterMs() : 0;
            reconnectLater(asked);
            return;
        }
        link = opened;
        up = true;
        failures = 0;
        unacked.allOffTheWire();
        transmit(unacked.seqs());
        List<HubMessage> early = List.copyOf(heardEarly);
        heardEarly.clear();
        early.forEach(message -> heard(gen, message));
        firstLink.complete(null);
    }

    /** Sends those of {@code seqs} that wait off the wire, in frames of at most {@code maxBatch}. */
    private void transmit(List<Long> seqs) {
        if (link == null) {
            return;
        }
        while (true) {
            List<Reading> readings = unacked.takeWaiting(seqs, maxBatch);
            if (readings.isEmpty()) {
                return;
            }
            Frame frame = Frame.ofReadings(readings);
            int gen = generation;
            link.send(frame).whenCompleteAsync((verdict, failure) -> answered(gen, frame,
                    failure == null ? verdict : new FrameVerdict.Lost(String.valueOf(failure))), thread);
        }
    }

    /**
     * A frame's verdict. Acks and rejections count whichever link they came on; a refusal or a loss on a link that is
     * gone changes nothing, since every reading still waiting was sent again when the next link opened.
     */
    private void answered(int gen, Frame frame, FrameVerdict verdict) {
        if (verdict instanceof FrameVerdict.Answered answered) {
            answered.acked().forEach(seq -> unacked.settle(new Verdict.Accepted(seq)));
            answered.rejected().forEach(r -> unacked.settle(new Verdict.Rejected(r.seq(), r.error(), r.message())));
        }
        if (gen != generation) {
            return;
        }
        unacked.offTheWire(frame.seqs());
        if (verdict instanceof FrameVerdict.Answered) {
            transmit(frame.seqs());
        } else if (verdict instanceof FrameVerdict.Refused refused) {
            int sameLink = generation;
            thread.schedule(() -> {
                if (generation == sameLink) {
                    transmit(frame.seqs());
                }
            }, refused.retryAfterMs(), TimeUnit.MILLISECONDS);
        } else {
            linkDown(gen);
        }
    }

    private void linkDown(int gen) {
        if (gen != generation || link == null || closed) {
            return;
        }
        Link gone = link;
        link = null;
        up = false;
        generation++;
        gone.cut();
        unacked.allOffTheWire();
        reconnectLater(0);
    }

    private void reconnectLater(long atLeastMs) {
        long wait = Math.max(atLeastMs, backoff.delayMs(failures++, random));
        thread.schedule(() -> {
            if (!closed && link == null) {
                openLink();
            }
        }, wait, TimeUnit.MILLISECONDS);
    }

    private void heard(int gen, HubMessage message) {
        if (gen != generation) {
            return;
        }
        if (link == null) {
            heardEarly.add(message);
            return;
        }
        if (message instanceof HubMessage.Command command) {
            CommandResult result = obey(command);
            link.control(new DeviceControl.CommandResult(command.commandId(), result.ok(), result.result()));
        } else if (message instanceof HubMessage.StateDelta delta && desiredState != null) {
            Map<String, Object> reported;
            try {
                reported = desiredState.apply(delta);
            } catch (RuntimeException e) {
                reported = Map.of();
            }
            if (reported != null && !reported.isEmpty()) {
                link.control(new DeviceControl.State(reported));
            }
        }
    }

    private CommandResult obey(HubMessage.Command command) {
        if (commands == null) {
            return CommandResult.failed("device " + deviceId() + " takes no commands");
        }
        try {
            CommandResult result = commands.handle(command);
            return result == null ? CommandResult.ok(Map.of()) : result;
        } catch (RuntimeException e) {
            return CommandResult.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing more happens
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        if (Thread.currentThread() == deviceThread) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new HubException("device " + deviceId() + " failed: " + e, e);
            }
        }
        try {
            return thread.submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        } catch (ExecutionException | TimeoutException e) {
            throw new HubException("device " + deviceId() + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while waiting for device " + deviceId());
        }
    }
}
