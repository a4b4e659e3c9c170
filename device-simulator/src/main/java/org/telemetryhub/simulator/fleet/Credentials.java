package org.telemetryhub.simulator.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.simulator.SimulatorException;

/**
 * A device id and its secret. A credentials file holds one device per line as {@code deviceId,secret}; blank lines
 * and lines starting with {@code #} are skipped. {@code run --save-credentials} writes one (mode 0600), and
 * {@code run --credentials} reads it to run the same devices again, continuing their seqs.
 */
public record Credentials(String deviceId, String secret) {

    public static List<Credentials> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SimulatorException("cannot read --credentials " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        List<Credentials> devices = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new SimulatorException(where + " must be deviceId,secret, but has no comma");
            }
            String id = line.substring(0, comma).strip();
            String secret = line.substring(comma + 1).strip();
            if (!Ids.isValid(id)) {
                throw new SimulatorException(where + ": deviceId must match " + Ids.RULE + ", but was \""
                        + Ids.echo(id) + "\"");
            }
            if (secret.isEmpty()) {
                throw new SimulatorException(where + ": secret must not be empty (device " + id + ")");
            }
            if (!ids.add(id)) {
                throw new SimulatorException(where + ": device " + id + " is listed twice");
            }
            devices.add(new Credentials(id, secret));
        }
        if (devices.isEmpty()) {
            throw new SimulatorException("--credentials " + file + " must list at least one deviceId,secret line, "
                    + "but lists none");
        }
        return devices;
    }

    public static void write(Path file, List<Credentials> devices) {
        StringBuilder text = new StringBuilder("# deviceId,secret (device-simulator run --credentials reads this)\n");
        devices.forEach(d -> text.append(d.deviceId()).append(',').append(d.secret()).append('\n'));
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                // not a POSIX file system, or the file is there already: written as it is
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SimulatorException("cannot write --save-credentials " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
