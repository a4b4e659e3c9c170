package org.telemetryhub.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The hub's ticket endpoint and device WebSocket as a test scripts them: every ticket is granted, each socket the
 * device opens is handed to the test in {@link #sockets}, and the test reads the device's frames and answers them.
 */
public final class SocketHub implements AutoCloseable {

    /** One device WebSocket as the hub side sees it. */
    public static final class DeviceSocket implements Session.Listener.AutoDemanding {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final BlockingQueue<DeviceSocket> opened;
        private final List<String> greeting;
        private volatile Session session;

        DeviceSocket(BlockingQueue<DeviceSocket> opened, List<String> greeting) {
            this.opened = opened;
            this.greeting = greeting;
        }

        /** Sends the greeting the moment the socket opens, as the hub does; then hands it to the test. */
        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            greeting.forEach(this::send);
            opened.add(this);
        }

        @Override
        public void onWebSocketText(String text) {
            frames.add(text);
        }

        /** The device's next frame, or fails after 10 s. */
        String next() throws InterruptedException {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("the device sent nothing within 10 s");
            }
            return frame;
        }

        void send(String text) {
            session.sendText(text, org.eclipse.jetty.websocket.api.Callback.NOOP);
        }

        /** Closes the socket as the hub does when it drops a device. */
        void close() {
            session.close(1008, "dropped by the test", org.eclipse.jetty.websocket.api.Callback.NOOP);
        }
    }

    final BlockingQueue<DeviceSocket> sockets = new LinkedBlockingQueue<>();
    /** What every new socket hears first, before the device has sent anything (commands, a state delta). */
    final List<String> greeting = new CopyOnWriteArrayList<>();
    final AtomicInteger tickets = new AtomicInteger();
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    SocketHub() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping("/ws/device", (request, response, callback) -> {
                    response.setAcceptedSubProtocol("hub.v1");
                    return new DeviceSocket(sockets, greeting);
                }));
        upgrades.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asString(request, StandardCharsets.UTF_8);
                response.setStatus(201);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                Content.Sink.write(response, true, "{\"ticket\":\"t-" + tickets.incrementAndGet()
                        + "\",\"expiresAt\":0,\"lastSeq\":0}", callback);
                return true;
            }
        });
        server.setHandler(upgrades);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** The next socket the device opens, or fails after 10 s. */
    DeviceSocket nextSocket() throws InterruptedException {
        DeviceSocket socket = sockets.poll(10, TimeUnit.SECONDS);
        if (socket == null) {
            throw new AssertionError("the device opened no socket within 10 s");
        }
        return socket;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
