package org.telemetryhub.hub.store;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.StoreException;

/** Operator accounts and their sessions. Only hashes of passwords and session tokens are stored. */
public final class OperatorStore {

    public record Account(Operator operator, String passwordHash) {}

    /** A live session: whose it is and when it expires. */
    public record Session(Operator operator, long expiresAt) {}

    private static final String SQL_INSERT = "INSERT INTO operators (username, password_hash, role, namespaces, "
            + "created_at) VALUES (?, ?, ?, ?, ?)";
    private static final String SQL_ACCOUNT =
            "SELECT username, role, namespaces, password_hash FROM operators WHERE username = ?";
    private static final String SQL_SESSION_INSERT =
            "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)";
    private static final String SQL_SESSION = "SELECT o.username, o.role, o.namespaces, o.password_hash, s.expires_at "
            + "FROM sessions s JOIN operators o ON o.username = s.username "
            + "WHERE s.token_hash = ? AND s.expires_at > ?";
    private static final String SQL_SESSION_DELETE = "DELETE FROM sessions WHERE token_hash = ?";
    private static final String SQL_SESSION_PURGE = "DELETE FROM sessions WHERE expires_at <= ?";
    private static final String SQL_SESSIONS_OF = "DELETE FROM sessions WHERE username = ?";
    private static final String SQL_PASSWORD = "UPDATE operators SET password_hash = ? WHERE username = ?";
    private static final String SQL_ACCESS = "UPDATE operators SET role = ?, namespaces = ? WHERE username = ?";
    // the operator's sessions go with it (ON DELETE CASCADE)
    private static final String SQL_DELETE = "DELETE FROM operators WHERE username = ?";
    private static final String SQL_SESSION_COUNT = "SELECT COUNT(*) FROM sessions";

    private final Jdbc jdbc;

    public OperatorStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    /** Creates the account; false when the username is taken. */
    public boolean create(Operator operator, String passwordHash, long now) {
        try {
            jdbc.update(SQL_INSERT, operator.username(), passwordHash, operator.role(),
                    String.join(",", operator.namespaces()), now);
            return true;
        } catch (StoreException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && JdbcReadingStore.isUniqueViolation(sql)) {
                return false;
            }
            throw e;
        }
    }

    public Optional<Account> account(String username) {
        return jdbc.one(SQL_ACCOUNT, OperatorStore::account, username);
    }

    public void openSession(String tokenHash, String username, long now, long expiresAt) {
        jdbc.update(SQL_SESSION_INSERT, tokenHash, username, now, expiresAt);
    }

    public Optional<Session> session(String tokenHash, long now) {
        return jdbc.one(SQL_SESSION, rs -> new Session(account(rs).operator(), rs.getLong(5)), tokenHash, now);
    }

    public void closeSession(String tokenHash) {
        jdbc.update(SQL_SESSION_DELETE, tokenHash);
    }

    /** Ends every session of the operator. */
    public void closeSessionsOf(String username) {
        jdbc.update(SQL_SESSIONS_OF, username);
    }

    /** False when there is no such operator. */
    public boolean setPassword(String username, String passwordHash) {
        return jdbc.update(SQL_PASSWORD, passwordHash, username) == 1;
    }

    /** False when there is no such operator. */
    public boolean setAccess(String username, String role, List<String> namespaces) {
        return jdbc.update(SQL_ACCESS, role, String.join(",", namespaces), username) == 1;
    }

    /** Deletes the operator and its sessions; false when there is no such operator. */
    public boolean delete(String username) {
        return jdbc.update(SQL_DELETE, username) == 1;
    }

    public int purgeExpiredSessions(long now) {
        return jdbc.update(SQL_SESSION_PURGE, now);
    }

    /** Sessions kept in the store. */
    public long sessionCount() {
        return jdbc.one(SQL_SESSION_COUNT, rs -> rs.getLong(1)).orElseThrow();
    }

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        String namespaces = rs.getString(3);
        List<String> list = namespaces.isEmpty() ? List.of() : Arrays.asList(namespaces.split(","));
        return new Account(new Operator(rs.getString(1), rs.getString(2), List.copyOf(list)), rs.getString(4));
    }
}
