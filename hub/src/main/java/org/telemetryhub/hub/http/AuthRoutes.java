package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Response;
import org.telemetryhub.hub.auth.OperatorAuth;
import org.telemetryhub.protocol.ErrorCode;

/** {@code POST /api/login} and {@code POST /api/logout}. */
public final class AuthRoutes {

    private final OperatorAuth auth;
    private final OperatorGate gate;
    private final long sessionTtlMs;

    public AuthRoutes(OperatorAuth auth, OperatorGate gate, long sessionTtlMs) {
        this.auth = auth;
        this.gate = gate;
        this.sessionTtlMs = sessionTtlMs;
    }

    public void register(Router router) {
        router.add("POST", "/api/login", this::login);
        router.add("POST", "/api/logout", this::logout);
    }

    /** Answers when the attempt's turn has come and its password was checked (see {@link OperatorAuth#login}). */
    private void login(Exchange exchange) {
        JsonNode body = exchange.jsonBody();
        String username = Fields.text(body, "username");
        String password = Fields.text(body, "password");
        boolean issueToken = Fields.flag(body, "issueToken");
        auth.login(username, password, exchange.address()).whenComplete((login, failure) -> {
            if (failure != null) {
                Router.failed(exchange, failure, "route=\"POST /api/login\"");
            } else {
                answer(exchange, login, issueToken);
            }
        });
    }

    private void answer(Exchange exchange, OperatorAuth.Login login, boolean issueToken) {
        if (login instanceof OperatorAuth.Login.Throttled throttled) {
            exchange.error(new ApiError(429, ErrorCode.RATE_LIMITED, throttled.reason() + "; retry after "
                    + throttled.retryAfterMs() + " ms", throttled.retryAfterMs()));
            return;
        }
        if (!(login instanceof OperatorAuth.Login.Success success)) {
            exchange.error(new ApiError(401, ErrorCode.BAD_CREDENTIALS, "the username or password is wrong"));
            return;
        }
        Response.addCookie(exchange.response(), sessionCookie(success.token(), sessionTtlMs / 1000, exchange.secure()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("username", success.operator().username());
        answer.put("role", success.operator().role());
        answer.put("namespaces", success.operator().namespaces());
        if (issueToken) {
            answer.put("token", success.token());
        }
        exchange.json(200, answer);
    }

    private void logout(Exchange exchange) {
        OperatorGate.Caller caller = gate.require(exchange);
        auth.logout(caller.session());
        Response.addCookie(exchange.response(), sessionCookie("", 0, exchange.secure()));
        exchange.noContent();
    }

    private static HttpCookie sessionCookie(String value, long maxAgeSeconds, boolean secure) {
        return HttpCookie.build(OperatorGate.COOKIE, value)
                .path("/")
                .httpOnly(true)
                .secure(secure)
                .sameSite(HttpCookie.SameSite.STRICT)
                .maxAge(maxAgeSeconds)
                .build();
    }
}
