package io.peregrine.csi.nvme;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who this node is to an NVMe subsystem: its host NQN (what export allowlists name) and host
 * identifier (HOSTID, NVMe Base 2.1 §5.1.25.1.28; the kernel refuses two connections that pair
 * one NQN with different ids). Taken from {@code --host-nqn} or {@code /etc/nvme/hostnqn}; when
 * the node has none, one is generated in the spec's UUID form
 * ({@code nqn.2014-08.org.nvmexpress:uuid:<uuid>}, NVMe Base 2.1 §4.7) and persisted, so it
 * survives restarts and nvme-cli run by hand agrees with us.
 */
public record HostIdentity(String hostNqn, UUID hostId) {

    private static final Pattern UUID_NQN = Pattern.compile(
            "nqn\\.2014-08\\.org\\.nvmexpress:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
    private static final Pattern NQN = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[^\\s]{1,210}");

    public HostIdentity {
        if (!NQN.matcher(hostNqn).matches()) {
            throw new IllegalArgumentException(
                    "not a host NQN: '" + hostNqn + "' (expected nqn.yyyy-mm.reverse.domain:name, at most 223 bytes)");
        }
    }

    /** A fresh identity in the UUID form, host id equal to the NQN's UUID. */
    public static HostIdentity generate() {
        UUID id = UUID.randomUUID();
        return new HostIdentity("nqn.2014-08.org.nvmexpress:uuid:" + id, id);
    }

    /**
     * The node's identity: {@code hostNqn} when given, else {@code dir/hostnqn}; the host id
     * from {@code dir/hostid}, else the NQN's UUID, else generated. Whatever had to be generated
     * is written back to {@code dir}.
     */
    public static HostIdentity load(Optional<String> hostNqn, Path dir) {
        Path nqnFile = dir.resolve("hostnqn");
        Path idFile = dir.resolve("hostid");
        Optional<String> nqn = hostNqn.filter(s -> !s.isBlank()).or(() -> read(nqnFile));
        Optional<UUID> id = read(idFile).flatMap(HostIdentity::parseUuid);
        if (nqn.isEmpty()) {
            HostIdentity fresh = id.map(u -> new HostIdentity("nqn.2014-08.org.nvmexpress:uuid:" + u, u))
                    .orElseGet(HostIdentity::generate);
            write(nqnFile, fresh.hostNqn());
            if (id.isEmpty()) write(idFile, fresh.hostId().toString());
            return fresh;
        }
        if (id.isPresent()) return new HostIdentity(nqn.get(), id.get());
        Matcher m = UUID_NQN.matcher(nqn.get());
        UUID derived = m.matches() ? UUID.fromString(m.group(1)) : UUID.randomUUID();
        write(idFile, derived.toString());
        return new HostIdentity(nqn.get(), derived);
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.createDirectories(file.getParent());
            Path partial =
                    Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
            Files.writeString(partial, value + "\n");
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot persist " + file + " (the NVMe host identity must survive "
                            + "restarts; make the directory writable or pass --host-nqn)",
                    e);
        }
    }
}
