package io.peregrine.dataplane.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The devices that held imported pools, so a restarted daemon imports them again: a small text
 * file in the data directory ({@value #FILE_NAME}), one {@code NAME<TAB>URI} per line, replaced
 * atomically (written beside, fsynced, renamed, directory fsynced) on every change. What is on a
 * pool is described by its device; this file only says where to look.
 */
public final class KnownPools {
    public static final String FILE_NAME = "pools";

    private final Path file;

    public KnownPools(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** One remembered pool. */
    public record Entry(String name, String uri) {}

    /** What the file lists, in order; empty when there is no file yet. */
    public List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Entry> out = new ArrayList<>();
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new IllegalStateException(file + " line " + n + " is not NAME<TAB>URI: '" + line
                            + "'; fix or remove the line (the pools themselves are on their devices)");
                }
                out.add(new Entry(line.substring(0, tab), line.substring(tab + 1)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Replaces the file with {@code entries}, atomically. */
    public synchronized void write(List<Entry> entries) {
        StringBuilder sb =
                new StringBuilder("# Pools this node's dataplane imports when it starts: NAME<TAB>DEVICE URI.\n"
                        + "# Written by the daemon on every pool change; the pools live on their devices.\n");
        Map<String, String> seen = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (seen.put(e.name(), e.uri()) == null) {
                sb.append(e.name()).append('\t').append(e.uri()).append('\n');
            }
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".partial");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself must survive a crash
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
