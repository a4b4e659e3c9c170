package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.hub.store.OperatorStore;
import org.telemetryhub.protocol.Ids;

/**
 * Operator login, sessions and their ends. Login attempts take turns ({@link LoginLine}): per username one after
 * another with a delay that grows with failures, so that neither concurrency nor a lockout is a weapon. Every change
 * that ends sessions (logout, a new password, an operator's deletion, a new role or namespaces) is announced, so that
 * every node closes those sessions' live streams.
 */
public final class OperatorAuth implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorAuth.class);

    public sealed interface Login {
        record Success(String token, Operator operator) implements Login {}

        record BadCredentials() implements Login {}

        record Throttled(long retryAfterMs, String reason) implements Login {}
    }

    /** A live session as a request found it: checked at {@code checkedNanos}, valid until {@code expiresAt}. */
    public record Session(Operator operator, String tokenHash, long expiresAt, long checkedNanos) {}

    private final OperatorStore operators;
    private final PasswordHasher passwords;
    private final Secrets secrets;
    private final Clock clock;
    private final long sessionTtlMs;
    private final LoginLine line;
    private final Consumer<SessionEnd> ends;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "logins");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code ends} hears of every change that ends sessions, and passes it on to every node. */
    public OperatorAuth(OperatorStore operators, PasswordHasher passwords, Secrets secrets, Clock clock,
                        HubConfig.Auth auth, HubConfig.Limits limits, Consumer<SessionEnd> ends) {
        this.operators = operators;
        this.passwords = passwords;
        this.secrets = secrets;
        this.clock = clock;
        this.sessionTtlMs = auth.sessionTtlMs();
        this.line = new LoginLine(new FailureThrottle(limits.authFailuresPerAddress(), clock), limits.loginDelayMs());
        this.ends = ends;
    }

    /**
     * Creates the admin account on first start: with {@code admin.password} when set, otherwise with a generated one
     * written to {@code <store.dir>/admin-password} (mode 0600); only that file's path is logged.
     */
    public void ensureAdmin(Optional<String> configured, Path storeDir) {
        if (operators.account("admin").isPresent()) {
            return;
        }
        String password = configured.orElseGet(() -> writePasswordFile(storeDir.resolve("admin-password")));
        operators.create(new Operator("admin", "admin", List.of()), passwords.hash(password), clock.millis());
        log.info("event=admin_created passwordFrom={}", configured.isPresent() ? "admin.password"
                : storeDir.resolve("admin-password").toAbsolutePath().normalize());
    }

    /** Creates an operator account; false when the username is taken. */
    public boolean createOperator(Operator operator, String password) {
        boolean created = operators.create(operator, passwords.hash(password), clock.millis());
        if (created) {
            log.info("event=operator_created username={} role={}", operator.username(), operator.role());
        }
        return created;
    }

    /** Checks the password when the attempt's turn comes (at most {@value LoginLine#MAX_DELAY_MS} ms of waiting). */
    public CompletableFuture<Login> login(String username, String password, String address) {
        // the line keeps usernames while they have failures: a long one is kept by its first 64 characters
        LoginLine.Admission admission = line.admit(Ids.echo(username), address);
        if (admission instanceof LoginLine.Busy busy) {
            return CompletableFuture.completedFuture(new Login.Throttled(busy.retryAfterMs(), busy.reason()));
        }
        LoginLine.Turn turn = (LoginLine.Turn) admission;
        CompletableFuture<Login> answer = new CompletableFuture<>();
        checks.schedule(() -> {
            try {
                Login login = check(username, password, address);
                line.finish(turn, login instanceof Login.Success);
                answer.complete(login);
            } catch (RuntimeException e) {
                line.abandon(turn);
                answer.completeExceptionally(e);
            }
        }, turn.delayMs(), TimeUnit.MILLISECONDS);
        return answer;
    }

    public Optional<Session> session(String token) {
        long checked = System.nanoTime();
        String hash = Secrets.hash(token);
        return operators.session(hash, clock.millis())
                .map(s -> new Session(s.operator(), hash, s.expiresAt(), checked));
    }

    /** Why a session that is no longer live ended, while it would not yet have expired or just has. */
    public Optional<SessionEnd.Reason> whyEnded(String token) {
        return operators.whyEnded(Secrets.hash(token), clock.millis());
    }

    /** True while the store holds this session and it has not expired. */
    public boolean isLive(String tokenHash) {
        return operators.session(tokenHash, clock.millis()).isPresent();
    }

    public void logout(Session session) {
        operators.closeSession(session.tokenHash(), SessionEnd.Reason.SIGNED_OUT);
        ends.accept(SessionEnd.of(session.tokenHash(), SessionEnd.Reason.SIGNED_OUT));
    }

    /** Sets a new password and ends the operator's sessions; false when there is no such operator. */
    public boolean changePassword(String username, String password) {
        if (!operators.setPassword(username, passwords.hash(password))) {
            return false;
        }
        endSessionsOf(username, SessionEnd.Reason.PASSWORD_CHANGED);
        log.info("event=operator_password_changed username={}", username);
        return true;
    }

    /** Gives the operator a new role and namespaces and ends its sessions; false when there is no such operator. */
    public boolean changeAccess(Operator operator) {
        if (!operators.setAccess(operator.username(), operator.role(), operator.namespaces())) {
            return false;
        }
        endSessionsOf(operator.username(), SessionEnd.Reason.ACCESS_CHANGED);
        log.info("event=operator_access_changed username={} role={}", operator.username(), operator.role());
        return true;
    }

    /** Deletes the operator with its sessions; false when there is no such operator. */
    public boolean deleteOperator(String username) {
        if (!operators.delete(username)) {
            return false;
        }
        ends.accept(SessionEnd.ofOperator(username, SessionEnd.Reason.OPERATOR_DELETED));
        log.info("event=operator_deleted username={}", username);
        return true;
    }

    public void housekeeping() {
        line.sweep();
        operators.purgeExpiredSessions(clock.millis());
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }

    private Login check(String username, String password, String address) {
        Optional<OperatorStore.Account> account = operators.account(username);
        boolean ok;
        if (account.isPresent()) {
            ok = passwords.matches(password, account.get().passwordHash());
        } else {
            passwords.burn(password);
            ok = false;
        }
        if (!ok) {
            log.warn("event=login_failed address={}", address);
            return new Login.BadCredentials();
        }
        String token = secrets.newToken();
        long now = clock.millis();
        operators.openSession(Secrets.hash(token), username, now, now + sessionTtlMs);
        return new Login.Success(token, account.get().operator());
    }

    private void endSessionsOf(String username, SessionEnd.Reason reason) {
        operators.closeSessionsOf(username, reason);
        ends.accept(SessionEnd.ofOperator(username, reason));
    }

    private String writePasswordFile(Path file) {
        String password = secrets.newToken();
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
