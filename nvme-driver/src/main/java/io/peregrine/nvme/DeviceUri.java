package io.peregrine.nvme;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where an NVMe controller is:
 *
 * <ul>
 *   <li>{@code pcie://0000:00:05.0} — a PCI function bound to vfio-pci;
 *   <li>{@code emu://?size=1G} — the software controller over sparse memory;
 *   <li>{@code emu:///var/tmp/disk.img?size=10G} — over a file (created or grown to size; an
 *       existing file's own size when {@code size} is left out);
 *   <li>{@code emu://?null&size=1T} — over nothing: every command completes without moving data
 *       (for measuring the driver).
 * </ul>
 *
 * Model options: {@code block=512|4096} (logical block size, default 512), {@code queues=N} (I/O
 * queue pairs it grants, default 64), {@code entries=N} (CAP.MQES + 1, default 1024),
 * {@code mdts=N} (largest transfer 4 KiB × 2^N, default 5), {@code name=...}.
 */
public sealed interface DeviceUri {

    /** A VFIO device. */
    record Pcie(String bdf) implements DeviceUri {
        @Override
        public String toString() {
            return "pcie://" + bdf;
        }
    }

    /** The software model; {@code file} empty means memory (or nothing, with {@code nullBackend}). */
    record Emu(
            Optional<Path> file,
            long sizeBytes,
            boolean nullBackend,
            int blockSize,
            int queues,
            int entries,
            int mdts,
            String name)
            implements DeviceUri {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("emu://")
                    .append(file.map(Path::toString).orElse(""))
                    .append('?');
            if (nullBackend) s.append("null&");
            return s.append("size=")
                    .append(sizeBytes)
                    .append("&block=")
                    .append(blockSize)
                    .toString();
        }
    }

    static DeviceUri parse(String text) {
        if (text.startsWith("pcie://")) {
            String bdf = text.substring("pcie://".length());
            if (!bdf.matches("([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]")) {
                throw new IllegalArgumentException("'" + text + "': a pcie:// URI names a PCI address, e.g."
                        + " pcie://0000:00:05.0 (lspci -D lists them)");
            }
            return new Pcie(bdf.length() == 7 ? "0000:" + bdf.toLowerCase(Locale.ROOT) : bdf.toLowerCase(Locale.ROOT));
        }
        if (text.startsWith("emu:")) return parseEmu(text);
        throw new IllegalArgumentException("'" + text + "' is not a device URI: use pcie://0000:00:05.0 for a device"
                + " bound to vfio-pci, or emu://?size=1G, emu:///path/file?size=1G, emu://?null&size=1G for the"
                + " software controller");
    }

    private static Emu parseEmu(String text) {
        if (!text.startsWith("emu://")) {
            throw new IllegalArgumentException("'" + text + "': model URIs start with emu://, e.g. emu://?size=1G");
        }
        String rest = text.substring("emu://".length());
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String part : rest.substring(q + 1).split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                query.put(eq < 0 ? part : part.substring(0, eq), eq < 0 ? "" : part.substring(eq + 1));
            }
        }
        for (String key : query.keySet()) {
            if (!Map.of("size", 1, "null", 1, "block", 1, "queues", 1, "entries", 1, "mdts", 1, "name", 1)
                    .containsKey(key)) {
                throw new IllegalArgumentException("'" + text + "': unknown option '" + key + "'; emu:// takes size,"
                        + " null, block, queues, entries, mdts and name");
            }
        }
        Optional<Path> file =
                path == null || path.isEmpty() || path.equals("/") ? Optional.empty() : Optional.of(Path.of(path));
        boolean nullBackend = query.containsKey("null");
        if (nullBackend && file.isPresent()) {
            throw new IllegalArgumentException("'" + text + "': a null namespace has no file; drop the path or 'null'");
        }
        long size = query.containsKey("size") ? parseSize(query.get("size"), text) : 0;
        if (size == 0 && file.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': say how big the namespace is, e.g. emu://?size=1G");
        }
        int block = query.containsKey("block") ? parseInt(query.get("block"), "block", text) : 512;
        if (block < 512 || block > 65536 || Integer.bitCount(block) != 1) {
            throw new IllegalArgumentException("'" + text + "': block must be a power of two from 512 to 65536");
        }
        if (size % block != 0) {
            throw new IllegalArgumentException(
                    "'" + text + "': size " + size + " is not a multiple of the block size " + block);
        }
        return new Emu(
                file,
                size,
                nullBackend,
                block,
                query.containsKey("queues") ? parseInt(query.get("queues"), "queues", text) : 64,
                query.containsKey("entries") ? parseInt(query.get("entries"), "entries", text) : 1024,
                query.containsKey("mdts") ? parseInt(query.get("mdts"), "mdts", text) : 5,
                query.getOrDefault(
                        "name", file.map(p -> p.getFileName().toString()).orElse("emu0")));
    }

    /** "4096", "64K", "512M", "1G", "2T" (binary units). */
    static long parseSize(String value, String context) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("B")) v = v.substring(0, v.length() - 1);
        if (v.endsWith("K")) unit = 1L << 10;
        else if (v.endsWith("M")) unit = 1L << 20;
        else if (v.endsWith("G")) unit = 1L << 30;
        else if (v.endsWith("T")) unit = 1L << 40;
        if (unit != 1) v = v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(v);
            if (n <= 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "'" + context + "': size '" + value + "' is not a size such as 4096, 512M," + " 1G or 2T");
        }
    }

    private static int parseInt(String value, String name, String context) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + context + "': " + name + " wants a number, got '" + value + "'");
        }
    }
}
