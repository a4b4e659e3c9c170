package org.telemetryhub.hub.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.protocol.ErrorCode;

/**
 * Routes {@code METHOD /path/{param}} to small handlers; anything unmatched goes to the next handler (static files).
 * A route that throws {@link ApiError} gets its error body; a store failure gets 503; a bug gets 500 without details.
 */
public final class Router extends Handler.Wrapper {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    @FunctionalInterface
    public interface Route {
        void handle(Exchange exchange) throws Exception;
    }

    /** A route as registered: its method and its path pattern, such as {@code GET /api/devices/{id}}. */
    public record Pattern(String method, String path) {}

    private record Entry(String method, String pattern, String[] segments, Route route) {}

    private final List<Entry> entries = new ArrayList<>();
    private final int maxBodyBytes;

    public Router(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public Router add(String method, String pattern, Route route) {
        entries.add(new Entry(method, pattern, pattern.substring(1).split("/"), route));
        return this;
    }

    /** Every route, in the order they were added (the first match wins). */
    public List<Pattern> routes() {
        return entries.stream().map(entry -> new Pattern(entry.method(), entry.pattern())).toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String[] path = Request.getPathInContext(request).substring(1).split("/", -1);
        boolean pathMatched = false;
        for (Entry entry : entries) {
            Map<String, String> parameters = match(entry.segments(), path);
            if (parameters == null) {
                continue;
            }
            pathMatched = true;
            if (entry.method().equals(request.getMethod())) {
                run(entry, new Exchange(request, response, callback, parameters, maxBodyBytes));
                return true;
            }
        }
        if (pathMatched) {
            HttpErrors.write(response, callback, 405, ErrorCode.METHOD_NOT_ALLOWED,
                    request.getMethod() + " is not allowed on this path");
            return true;
        }
        if (path.length > 0 && path[0].equals("api")) {
            HttpErrors.write(response, callback, 404, ErrorCode.NOT_FOUND, "no API endpoint answers this path");
            return true;
        }
        return super.handle(request, response, callback);
    }

    private static void run(Entry entry, Exchange exchange) {
        try {
            entry.route().handle(exchange);
        } catch (Exception e) {
            failed(exchange, e, "route=\"" + entry.method() + " " + entry.pattern() + "\"");
        }
    }

    /**
     * Answers a route's failure, thrown at once or completed later: its error, 503 for the store, else 500. The log
     * line names the route by its pattern, never by the requested path: a path is raw input.
     */
    static void failed(Exchange exchange, Throwable failure, String route) {
        if (failure instanceof ApiError error) {
            exchange.error(error);
        } else if (failure instanceof StoreException) {
            log.error("event=store_failed {}", route, failure);
            exchange.error(new ApiError(503, ErrorCode.STORE_UNAVAILABLE, "the store is not available; retry"));
        } else {
            log.error("event=route_failed {}", route, failure);
            exchange.fail(failure);
        }
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                parameters.put(pattern[i].substring(1, pattern[i].length() - 1),
                        java.net.URLDecoder.decode(path[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!pattern[i].equals(path[i])) {
                return null;
            }
        }
        return parameters;
    }
}
