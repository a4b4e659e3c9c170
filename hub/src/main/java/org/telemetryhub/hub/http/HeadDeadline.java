package org.telemetryhub.hub.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A total deadline for every request head: an HTTP connection must deliver a complete request head within
 * {@code deadlineMs} of being ready for one (when it opened, or when its previous response was complete), and an
 * upgrade request must have become a WebSocket by then. Jetty has an idle timeout, which each byte pushes back, and
 * a minimum data rate for request content only; so a client sending one header line every two seconds held its
 * connection for ever. Here nothing the client sends moves the deadline: only a request reaching the handlers (or,
 * for an upgrade, the upgrade itself) disarms it, and when it passes the connection is closed.
 */
public final class HeadDeadline extends Handler.Wrapper implements Connection.Listener {

    private final Scheduler scheduler;
    private final long deadlineMs;
    /** Which arming a scheduled expiry belongs to, so that an expiry left over from an earlier one does nothing. */
    private record Watch(long arming, Scheduler.Task task) {}

    private final Map<Connection, Watch> armed = new ConcurrentHashMap<>();
    private final AtomicLong armings = new AtomicLong();

    public HeadDeadline(Scheduler scheduler, long deadlineMs) {
        this.scheduler = scheduler;
        this.deadlineMs = deadlineMs;
    }

    /** Plain HTTP/1.1 connections, each watched by this deadline from the moment it opens. */
    public HttpConnectionFactory connections(HttpConfiguration http) {
        return new HttpConnectionFactory(http) {
            @Override
            public Connection newConnection(Connector connector, EndPoint endPoint) {
                Connection connection = super.newConnection(connector, endPoint);
                connection.addEventListener(HeadDeadline.this);
                return connection;
            }
        };
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        disarm(connection);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (!request.getHeaders().contains(HttpHeader.UPGRADE)) {
            disarm(connection); // an upgrade stays armed until it is done, when Jetty closes the HTTP connection
        }
        return super.handle(request, response, Callback.from(callback, () -> arm(connection)));
    }

    /** Watches the connection for its next request head; a connection that is no longer HTTP is left alone. */
    private void arm(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (!endPoint.isOpen() || endPoint.getConnection() != connection) {
            return;
        }
        long arming = armings.incrementAndGet();
        Watch watch = new Watch(arming, scheduler.schedule(() -> expire(connection, arming), deadlineMs,
                TimeUnit.MILLISECONDS));
        Watch previous = armed.put(connection, watch);
        if (previous != null) {
            previous.task().cancel();
        }
    }

    private void disarm(Connection connection) {
        Watch watch = armed.remove(connection);
        if (watch != null) {
            watch.task().cancel();
        }
    }

    private void expire(Connection connection, long arming) {
        Watch watch = armed.get(connection);
        if (watch == null || watch.arming() != arming || !armed.remove(connection, watch)) {
            return;
        }
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint.getConnection() == connection) {
            endPoint.close();
        }
    }
}
