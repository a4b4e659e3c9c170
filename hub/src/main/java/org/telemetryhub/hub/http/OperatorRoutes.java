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

/** {@code POST /api/operators}: an admin creates admins, and viewers restricted to namespaces. */
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
    }

    private void create(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        String username = Fields.id(body, "username", ErrorCode.BAD_MESSAGE, null);
        String password = Fields.text(body, "password");
        if (password.length() < MIN_PASSWORD) {
            throw ApiError.badMessage("password must have at least " + MIN_PASSWORD + " characters, but had "
                    + password.length());
        }
        String role = Fields.text(body, "role");
        if (!role.equals("admin") && !role.equals("viewer")) {
            throw ApiError.badMessage("role must be admin or viewer, but was \""
                    + org.telemetryhub.protocol.Ids.echo(role) + "\"");
        }
        List<String> namespaces = namespaces(body.get("namespaces"));
        if (!auth.createOperator(new Operator(username, role, namespaces), password)) {
            throw new ApiError(409, ErrorCode.OPERATOR_EXISTS, "operator " + username + " already exists");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("username", username);
        answer.put("role", role);
        answer.put("namespaces", namespaces);
        exchange.json(201, answer);
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
