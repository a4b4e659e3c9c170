package org.telemetryhub.hub.http;

import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.telemetryhub.hub.auth.OperatorAuth;
import org.telemetryhub.hub.core.Operator;

/**
 * Who is calling: a bearer token, or the session cookie. A cookie-authenticated POST, PUT or DELETE must come from an
 * allowed {@code Origin}, and so must any request that names an {@code Origin} at all.
 */
public final class OperatorGate {

    public static final String COOKIE = "hub_session";

    /** The session that identified the caller. */
    public record Caller(OperatorAuth.Session session) {
        public Operator operator() {
            return session.operator();
        }
    }

    private final OperatorAuth auth;
    private final Origins origins;

    public OperatorGate(OperatorAuth auth, Origins origins) {
        this.auth = auth;
        this.origins = origins;
    }

    public Caller require(Exchange exchange) {
        Request request = exchange.request();
        return require(request, !List.of("GET", "HEAD", "OPTIONS").contains(request.getMethod()));
    }

    /**
     * The caller of a request; {@code changes} says whether a cookie alone may authorise it without an allowed
     * Origin (reads may, writes and WebSocket upgrades may not).
     */
    public Caller require(Request request, boolean changes) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !origins.isAllowedOrigin(origin)) {
            throw ApiError.forbidden("the Origin " + org.telemetryhub.protocol.Ids.echo(origin)
                    + " is not allowed to call this hub");
        }
        Optional<String> bearer = bearer(request);
        if (bearer.isPresent()) {
            return caller(bearer.get());
        }
        Optional<String> cookie = cookie(request);
        if (cookie.isEmpty()) {
            throw ApiError.unauthorized();
        }
        Caller caller = caller(cookie.get());
        if (changes && origin == null) {
            throw ApiError.forbidden("a request signed in by cookie must send an allowed Origin header");
        }
        return caller;
    }

    /** The session's caller; a session that ended is refused with the reason it ended, so every answer tells why. */
    private Caller caller(String token) {
        return auth.session(token).map(Caller::new).orElseThrow(() -> auth.whyEnded(token)
                .map(ApiError::sessionEnded).orElseGet(ApiError::unauthorized));
    }

    public Operator requireAdmin(Exchange exchange) {
        Operator operator = require(exchange).operator();
        if (!operator.isAdmin()) {
            throw ApiError.forbidden("this needs an admin; operator " + operator.username() + " is a viewer");
        }
        return operator;
    }

    static Optional<String> bearer(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }

    static Optional<String> cookie(Request request) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(COOKIE) && !cookie.getValue().isEmpty()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }
}
