package org.telemetryhub.simulator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks' WebSocket client: every socket on one selector thread, frames written straight from the sending
 * thread, {@code ws://} only. The benchmarks run the load generator on the hub's cores, so what the generator spends
 * on a frame is taken from the hub: with the JDK's WebSocket client (its futures, schedulers and a thread hand-off
 * per message) the ingest benchmark took 0.87-0.90 of a core to send 20,000 readings a second and read their acks,
 * with this one 0.47. It reads and writes the frames itself (RFC 6455: masked frames out, text, ping and close
 * in); the protocol on top, tickets and messages, is the same as every other client's.
 */
final class BenchSockets implements AutoCloseable {

    /** How long an upgrade may take, from the TCP connect to the hub's 101. */
    static final long UPGRADE_TIMEOUT_SECONDS = 20;

    private final Selector selector;
    private final Queue<BenchSocket> registrations = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    /** The selector thread's read buffer, shared by every socket (a socket keeps only an unfinished frame). */
    private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    private volatile boolean running = true;

    BenchSockets() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        loop = new Thread(this::run, "bench-sockets");
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Opens a device socket: the upgrade carries the ticket as a bearer header and asks for the {@code hub.v1}
     * sub-protocol. Completes with the open socket, or fails with {@link BenchSocket.Refused} (the hub answered
     * with another status) or the network's exception.
     */
    CompletableFuture<BenchSocket> connect(URI uri, String ticket, BenchSocket.Listener listener) {
        if (!"ws".equals(uri.getScheme())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "the benchmark client speaks ws:// only, but the hub's device socket is " + uri));
        }
        CompletableFuture<BenchSocket> opened = new CompletableFuture<>();
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            BenchSocket socket = new BenchSocket(this, channel, uri, ticket, listener, opened);
            channel.connect(new InetSocketAddress(uri.getHost(), port));
            registrations.add(socket);
            selector.wakeup();
        } catch (IOException | RuntimeException e) {
            opened.completeExceptionally(e);
        }
        opened.orTimeout(UPGRADE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenComplete((socket, failure) -> {
                    if (failure != null) {
                        opened.thenAccept(BenchSocket::abort);
                    }
                });
        return opened;
    }

    /** Makes the selector look at a socket whose interest changed on another thread. */
    void wakeup() {
        selector.wakeup();
    }

    private void run() {
        while (running) {
            try {
                selector.select();
            } catch (IOException e) {
                return;
            }
            for (BenchSocket socket; (socket = registrations.poll()) != null; ) {
                socket.register(selector);
            }
            for (SelectionKey key : selector.selectedKeys()) {
                BenchSocket socket = (BenchSocket) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isConnectable()) {
                    socket.connected();
                } else {
                    if (key.isReadable()) {
                        scratch = socket.readable(scratch);
                    }
                    if (key.isValid() && key.isWritable()) {
                        socket.writable();
                    }
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Stops the selector thread and drops whatever sockets are still open. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(2_000);
            for (SelectionKey key : selector.keys()) {
                ((BenchSocket) key.attachment()).abort();
            }
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // closing at the end of a run: nothing left to save
        }
    }
}
