package io.peregrine.dataplane.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a command reads from the machine it runs on, passed in rather than read from statics so
 * that tests run the real code against a directory of their own.
 *
 * @param workingDirectory where {@code ./.peregrine/dataplane.sock} (local mode's socket) is looked for
 * @param variables the process environment ({@code PEREGRINE_SOCKET})
 * @param nodeSocket where a node's daemon (the DaemonSet, a system service) puts its socket
 * @param hostNqnFile this machine's NVMe host NQN, as nvme-cli keeps it
 */
public record Environment(Path workingDirectory, Map<String, String> variables, Path nodeSocket, Path hostNqnFile) {

    public static final String SOCKET_VARIABLE = "PEREGRINE_SOCKET";
    public static final Path LOCAL_SOCKET = Path.of(".peregrine", "dataplane.sock");
    public static final Path NODE_SOCKET = Path.of("/var/run/peregrine/dataplane.sock");

    public Environment {
        workingDirectory = workingDirectory.toAbsolutePath().normalize();
        variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(Path.of(""), System.getenv(), NODE_SOCKET, Path.of("/etc/nvme/hostnqn"));
    }

    public String variable(String name) {
        String v = variables.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** This machine's host NQN from {@code /etc/nvme/hostnqn}, when nvme-cli has made one. */
    public Optional<String> localHostNqn() {
        try {
            if (!Files.isReadable(hostNqnFile)) {
                return Optional.empty();
            }
            String nqn = Files.readString(hostNqnFile, StandardCharsets.UTF_8).strip();
            return nqn.startsWith("nqn.") ? Optional.of(nqn) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
