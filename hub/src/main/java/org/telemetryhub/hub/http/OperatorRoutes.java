package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.auth.OperatorAuth;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;

/**
 * Operator accounts, all for admins: create admins and viewers restricted to namespaces, change an operator's role
 * and namespaces or password, delete one. Every change but creation ends the operator's sessions everywhere.
 */
public final class OperatorRoutes {

    static final int MIN_PASSWORD = 12;

    private final OperatorAuth auth;
    private final OperatorGate gate;

    public OperatorRoutes(OperatorAuth auth, OperatorGate gate) {
        this.auth = auth;
        this.gate = gate;
    }

    public void register(Router router) {
        router.add("POST", "/api/operators", this::create);
        router.add("PUT", "/api/operators/{username}", this::changeAccess);
        router.add("PUT", "/api/operators/{username}/password", this::changePassword);
        router.add("DELETE", "/api/operators/{username}", this::delete);
    }

    private void create(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        String username = Fields.id(body, "username", ErrorCode.BAD_MESSAGE, null);
        String password = password(body);
        Operator operator = new Operator(username, role(body), namespaces(body.get("namespaces")));
        if (!auth.createOperator(operator, password)) {
            throw new ApiError(409, ErrorCode.OPERATOR_EXISTS, "operator " + username + " already exists");
        }
        exchange.json(201, describe(operator));
    }

    private void changeAccess(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        Operator operator = new Operator(exchange.path("username"), role(body), namespaces(body.get("namespaces")));
        if (!auth.changeAccess(operator)) {
            throw unknown(operator.username());
        }
        exchange.json(200, describe(operator));
    }

    private void changePassword(Exchange exchange) {
        gate.requireAdmin(exchange);
        String username = exchange.path("username");
        if (!auth.changePassword(username, password(exchange.jsonBody()))) {
            throw unknown(username);
        }
        exchange.noContent();
    }

    private void delete(Exchange exchange) {
        Operator caller = gate.requireAdmin(exchange);
        String username = exchange.path("username");
        if (username.equals(caller.username())) {
            throw ApiError.badMessage("an operator cannot delete itself (operator " + username
                    + "); another admin can");
        }
        if (!auth.deleteOperator(username)) {
            throw unknown(username);
        }
        exchange.noContent();
    }

    private static String password(JsonNode body) {
        String password = Fields.text(body, "password");
        if (password.length() < MIN_PASSWORD) {
            throw ApiError.badMessage("password must have at least " + MIN_PASSWORD + " characters, but had "
                    + password.length());
        }
        return password;
    }

    private static String role(JsonNode body) {
        String role = Fields.text(body, "role");
        if (!role.equals("admin") && !role.equals("viewer")) {
            throw ApiError.badMessage("role must be admin or viewer, but was \""
                    + org.telemetryhub.protocol.Ids.echo(role) + "\"");
        }
        return role;
    }

    private static Map<String, Object> describe(Operator operator) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("username", operator.username());
        answer.put("role", operator.role());
        answer.put("namespaces", operator.namespaces());
        return answer;
    }

    private static ApiError unknown(String username) {
        return new ApiError(404, ErrorCode.UNKNOWN_OPERATOR, "operator "
                + org.telemetryhub.protocol.Ids.echo(username) + " does not exist");
    }

    private static List<String> namespaces(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.badMessage("namespaces must be an array of namespaces, but was "
                    + Ids.echo(node.toString()));
        }
        List<String> namespaces = new ArrayList<>();
        for (JsonNode entry : node) {
            if (!entry.isTextual()) {
                throw ApiError.badMessage("namespaces must hold strings, but held " + Ids.echo(entry.toString()));
            }
            namespaces.add(Fields.checkId("namespaces[" + namespaces.size() + "]", entry.asText(),
                    ErrorCode.INVALID_NAMESPACE));
        }
        return List.copyOf(namespaces);
    }
}
