package org.telemetryhub.hub.core;

import java.util.List;

/** An operator account: who it is, its role, and the namespaces it may see. */
public record Operator(String username, String role, List<String> namespaces) {
    public boolean isAdmin() {
        return role.equals("admin");
    }
}
