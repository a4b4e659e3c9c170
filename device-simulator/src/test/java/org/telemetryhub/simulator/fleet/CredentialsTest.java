package org.telemetryhub.simulator.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.simulator.SimulatorException;

class CredentialsTest {

    @TempDir
    Path dir;

    @Test
    void saved_credentials_read_back_the_same_and_only_the_owner_may_read_them() throws Exception {
        Path file = dir.resolve("fleet.csv");
        List<Credentials> devices = List.of(new Credentials("sim-1", "s3cret-1"), new Credentials("sim-2", "s3cret-2"));

        Credentials.write(file, devices);

        assertEquals(devices, Credentials.read(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void a_bad_line_is_refused_naming_the_file_line_rule_and_value() throws Exception {
        Path file = dir.resolve("fleet.csv");
        Files.writeString(file, "# devices\nsim-1,secret\n../etc,secret\n");

        SimulatorException e = assertThrows(SimulatorException.class, () -> Credentials.read(file));

        assertEquals(file + " line 3: deviceId must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, but was \"../etc\"",
                e.getMessage());
    }

    @Test
    void a_line_without_a_secret_is_refused() throws Exception {
        Path file = dir.resolve("fleet.csv");
        Files.writeString(file, "sim-1\n");

        SimulatorException e = assertThrows(SimulatorException.class, () -> Credentials.read(file));

        assertEquals(file + " line 1 must be deviceId,secret, but has no comma", e.getMessage());
    }
}
