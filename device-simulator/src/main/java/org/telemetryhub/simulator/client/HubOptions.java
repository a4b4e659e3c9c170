package org.telemetryhub.simulator.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.telemetryhub.simulator.SimulatorException;
import picocli.CommandLine.Option;

/**
 * The options every tool needs to reach a hub and sign in as an operator: {@code --hub}, {@code --user},
 * {@code --password} or {@code --password-file} (or HUB_ADMIN_PASSWORD). A picocli mixin, so {@code bench} and
 * {@code run} spell and document them the same way.
 */
public final class HubOptions {

    @Option(names = "--hub", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The hub's base URL (default: ${DEFAULT-VALUE}).")
    String hub;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "admin",
            description = "Operator (role admin) that provisions the devices (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "The operator's password (visible in the process list: prefer --password-file).")
    String password;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File holding the operator's password, e.g. <store.dir>/admin-password. Without this "
                + "or --password, the environment variable HUB_ADMIN_PASSWORD is used.")
    Path passwordFile;

    /** The checked {@code --hub}. */
    public URI base() {
        return HubApi.hubUrl(hub);
    }

    /** An HTTP/1.1 client for the hub's API and sockets. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** An API client signed in as the operator. */
    public HubApi signIn(HttpClient http) {
        HubApi api = new HubApi(http, base());
        signIn(api);
        return api;
    }

    /** Signs {@code api} in as the operator. */
    public void signIn(HubApi api) {
        api.login(user, password());
    }

    private String password() {
        if (password != null && passwordFile != null) {
            throw new SimulatorException("give --password or --password-file, not both");
        }
        if (password != null) {
            return password;
        }
        if (passwordFile != null) {
            try {
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new SimulatorException("--password-file " + passwordFile + " is empty");
                }
                return text;
            } catch (IOException e) {
                throw new SimulatorException("cannot read --password-file " + passwordFile + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        }
        String fromEnv = System.getenv("HUB_ADMIN_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        throw new SimulatorException("the operator's password is needed: give --password-file FILE (a hub that "
                + "generated its admin password keeps it in <store.dir>/admin-password), --password, or set "
                + "HUB_ADMIN_PASSWORD");
    }
}
