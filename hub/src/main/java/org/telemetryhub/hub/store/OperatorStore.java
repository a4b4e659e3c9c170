package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.hub.core.StoreException;

/**
 * Operator accounts and their sessions. Only hashes of passwords and session tokens are stored. An ended session
 * leaves the reason it ended behind until it would have expired.
 */
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
    // locked first, so that two ends of one session at once record it once
    private static final String SQL_LOCK_SESSION =
            "SELECT token_hash, expires_at FROM sessions WHERE token_hash = ? FOR UPDATE";
    private static final String SQL_LOCK_SESSIONS_OF =
            "SELECT token_hash, expires_at FROM sessions WHERE username = ? FOR UPDATE";
    private static final String SQL_ENDED_INSERT =
            "INSERT INTO ended_sessions (token_hash, reason, expires_at) VALUES (?, ?, ?)";
    private static final String SQL_SESSION_DELETE = "DELETE FROM sessions WHERE token_hash = ?";
    private static final String SQL_ENDED = "SELECT reason FROM ended_sessions WHERE token_hash = ? AND expires_at > ?";
    private static final String SQL_EXPIRED = "SELECT token_hash FROM sessions WHERE token_hash = ? AND expires_at <= ?";
    private static final String SQL_SESSION_PURGE = "DELETE FROM sessions WHERE expires_at <= ?";
    private static final String SQL_ENDED_PURGE = "DELETE FROM ended_sessions WHERE expires_at <= ?";
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
            if (e.getCause() instanceof SQLException sql && JdbcReadingStore.isUniqueViolation(sql)) {
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

    public void closeSession(String tokenHash, SessionEnd.Reason reason) {
        jdbc.transaction("end session", connection -> {
            recordEnds(connection, SQL_LOCK_SESSION, tokenHash, reason);
            return Jdbc.update(connection, SQL_SESSION_DELETE, tokenHash);
        });
    }

    /** Ends every session of the operator. */
    public void closeSessionsOf(String username, SessionEnd.Reason reason) {
        jdbc.transaction("end sessions", connection -> {
            recordEnds(connection, SQL_LOCK_SESSIONS_OF, username, reason);
            return Jdbc.update(connection, SQL_SESSIONS_OF, username);
        });
    }

    /** Why the session ended, while it would not yet have expired; {@code EXPIRED} once it has. */
    public Optional<SessionEnd.Reason> whyEnded(String tokenHash, long now) {
        return jdbc.one(SQL_ENDED, rs -> SessionEnd.Reason.valueOf(rs.getString(1)), tokenHash, now)
                .or(() -> jdbc.one(SQL_EXPIRED, rs -> SessionEnd.Reason.EXPIRED, tokenHash, now));
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
        return jdbc.transaction("delete operator", connection -> {
            recordEnds(connection, SQL_LOCK_SESSIONS_OF, username, SessionEnd.Reason.OPERATOR_DELETED);
            return Jdbc.update(connection, SQL_DELETE, username) == 1;
        });
    }

    /** Forgets sessions, and why sessions ended, past their expiry. */
    public void purgeExpiredSessions(long now) {
        jdbc.update(SQL_SESSION_PURGE, now);
        jdbc.update(SQL_ENDED_PURGE, now);
    }

    /** Sessions kept in the store. */
    public long sessionCount() {
        return jdbc.one(SQL_SESSION_COUNT, rs -> rs.getLong(1)).orElseThrow();
    }

    /** Locks the sessions {@code lock} selects and records why they end, in the transaction that ends them. */
    private static void recordEnds(Connection connection, String lock, String key, SessionEnd.Reason reason)
            throws SQLException {
        record Ending(String tokenHash, long expiresAt) {}
        List<Ending> endings = new ArrayList<>();
        try (PreparedStatement select = Jdbc.prepare(connection, lock, key);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                endings.add(new Ending(rs.getString(1), rs.getLong(2)));
            }
        }
        for (Ending ending : endings) {
            Jdbc.update(connection, SQL_ENDED_INSERT, ending.tokenHash(), reason.name(), ending.expiresAt());
        }
    }

    private static Account account(ResultSet rs) throws SQLException {
        String namespaces = rs.getString(3);
        List<String> list = namespaces.isEmpty() ? List.of() : Arrays.asList(namespaces.split(","));
        return new Account(new Operator(rs.getString(1), rs.getString(2), List.copyOf(list)), rs.getString(4));
    }
}
