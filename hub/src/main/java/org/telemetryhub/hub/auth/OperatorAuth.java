package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.store.OperatorStore;

/** Operator login, sessions and logout, with failed logins throttled per address and per username. */
public final class OperatorAuth {

    private static final Logger log = LoggerFactory.getLogger(OperatorAuth.class);

    public sealed interface Login {
        record Success(String token, Operator operator) implements Login {}

        record BadCredentials() implements Login {}

        record Throttled(long retryAfterMs) implements Login {}
    }

    private final OperatorStore operators;
    private final PasswordHasher passwords;
    private final Secrets secrets;
    private final Clock clock;
    private final long sessionTtlMs;
    private final FailureThrottle byAddress;
    private final FailureThrottle byUsername;

    public OperatorAuth(OperatorStore operators, PasswordHasher passwords, Secrets secrets, Clock clock,
                        HubConfig.Auth auth, HubConfig.Limits limits) {
        this.operators = operators;
        this.passwords = passwords;
        this.secrets = secrets;
        this.clock = clock;
        this.sessionTtlMs = auth.sessionTtlMs();
        this.byAddress = new FailureThrottle(limits.authFailuresPerAddress(), clock);
        this.byUsername = new FailureThrottle(limits.authFailuresPerId(), clock);
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

    public Login login(String username, String password, String address) {
        long wait = Math.max(byAddress.retryAfterMs(address), byUsername.retryAfterMs(username));
        if (wait > 0) {
            return new Login.Throttled(wait);
        }
        Optional<OperatorStore.Account> account = operators.account(username);
        boolean ok;
        if (account.isPresent()) {
            ok = passwords.matches(password, account.get().passwordHash());
        } else {
            passwords.burn(password);
            ok = false;
        }
        if (!ok) {
            byAddress.fail(address);
            byUsername.fail(username);
            log.warn("event=login_failed address={}", address);
            return new Login.BadCredentials();
        }
        String token = secrets.newToken();
        long now = clock.millis();
        operators.openSession(Secrets.hash(token), username, now, now + sessionTtlMs);
        return new Login.Success(token, account.get().operator());
    }

    public Optional<Operator> session(String token) {
        return operators.session(Secrets.hash(token), clock.millis());
    }

    public void logout(String token) {
        operators.closeSession(Secrets.hash(token));
    }

    public void housekeeping() {
        byAddress.sweep();
        byUsername.sweep();
        operators.purgeExpiredSessions(clock.millis());
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
