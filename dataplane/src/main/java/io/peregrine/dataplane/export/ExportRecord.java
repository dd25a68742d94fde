package io.peregrine.dataplane.export;

import io.peregrine.nvmf.core.Nqn;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whom a published volume admits: the allowed host NQNs and the allow-any-host switch. Kept in the
 * volume's own metadata as the reserved attribute {@value #XATTR} (FORMAT.md §4), so what a disk
 * exports is described by that disk: a restarted daemon, or another node importing the pool,
 * publishes the volume again exactly as it was.
 *
 * <p>Encoding (UTF-8 text, one item per line): {@code v1}, then {@code allow-any-host} when set,
 * then {@code host <nqn>} per allowed host, sorted.
 */
public record ExportRecord(boolean allowAnyHost, Set<String> hosts) {
    /** The attribute a published volume carries. */
    public static final String XATTR = "peregrine.export";

    private static final String VERSION = "v1";

    public ExportRecord {
        hosts = Set.copyOf(new TreeSet<>(hosts));
    }

    /** A record that admits also {@code more} (and anyone, when {@code anyHost}). */
    public ExportRecord plus(Set<String> more, boolean anyHost) {
        TreeSet<String> all = new TreeSet<>(hosts);
        all.addAll(more);
        return new ExportRecord(allowAnyHost || anyHost, all);
    }

    public ExportRecord minus(String host) {
        TreeSet<String> all = new TreeSet<>(hosts);
        all.remove(host);
        return new ExportRecord(allowAnyHost, all);
    }

    /** The hosts in NQN order. */
    public List<String> sortedHosts() {
        return List.copyOf(new TreeSet<>(hosts));
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(VERSION).append('\n');
        if (allowAnyHost) {
            sb.append("allow-any-host\n");
        }
        for (String h : sortedHosts()) {
            sb.append("host ").append(h).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException naming what is wrong, when the attribute is not a record
     *     this version understands
     */
    public static ExportRecord decode(byte[] value) {
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].equals(VERSION)) {
            throw new IllegalArgumentException(
                    XATTR + " starts with '" + (lines.length == 0 ? "" : lines[0]) + "', not " + VERSION);
        }
        boolean any = false;
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (line.equals("allow-any-host")) {
                any = true;
            } else if (line.startsWith("host ")) {
                hosts.add(Nqn.require(line.substring(5)));
            } else {
                throw new IllegalArgumentException(XATTR + " line " + (i + 1) + " is not understood: '" + line + "'");
            }
        }
        return new ExportRecord(any, new TreeSet<>(hosts));
    }
}
