package io.peregrine.csi.nvme;

import io.peregrine.csi.volume.PublishContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the kernel NVMe host's state from sysfs. Namespaces are found by what identifies them
 * (NGUID and UUID from the Namespace Identification Descriptor list, NVMe Base 2.1 §5.1.13.2.3)
 * within the subsystem they belong to -- never by their device name, which only tells the order
 * in which they were discovered. The root is a parameter so tests can build a tree of files.
 */
public final class NvmeSysfs {

    /** Namespace heads (nvme1n1), not the hidden per-path devices (nvme1c2n1). */
    private static final Pattern NAMESPACE_HEAD = Pattern.compile("nvme\\d+n\\d+");

    private final Path sys;
    private final Path dev;

    public NvmeSysfs(Path sysRoot, Path devRoot) {
        this.sys = sysRoot;
        this.dev = devRoot;
    }

    public static NvmeSysfs system() {
        return new NvmeSysfs(Path.of("/sys"), Path.of("/dev"));
    }

    /** The device node of a namespace head or controller ({@code /dev/nvme1n1}). */
    public Path devicePath(String name) {
        return dev.resolve(name);
    }

    /** Every controller of subsystem {@code nqn}, in any state. */
    public List<NvmeController> controllers(String nqn) {
        return allControllers().stream()
                .filter(c -> c.subsystemNqn().equals(nqn))
                .toList();
    }

    public List<NvmeController> allControllers() {
        Path dir = sys.resolve("class/nvme");
        if (!Files.isDirectory(dir)) return List.of();
        List<NvmeController> out = new ArrayList<>();
        for (Path c : list(dir)) {
            Optional<String> nqn = read(c.resolve("subsysnqn"));
            if (nqn.isEmpty()) continue; // vanished while we looked
            out.add(new NvmeController(
                    c.getFileName().toString(),
                    nqn.get(),
                    read(c.resolve("state")).orElse("gone"),
                    read(c.resolve("transport")).orElse(""),
                    read(c.resolve("address")).orElse("")));
        }
        return out;
    }

    /** The namespace of subsystem {@code nqn} whose NGUID or UUID is the one published. */
    public Optional<NvmeNamespace> find(String nqn, PublishContext context) {
        Optional<byte[]> nguid = context.nguidBytes();
        for (NvmeNamespace ns : namespaces(nqn)) {
            Path dir = sys.resolve("block").resolve(ns.name());
            if (nguid.isPresent()
                    && read(dir.resolve("nguid"))
                            .flatMap(NvmeSysfs::hex16)
                            .map(b -> Arrays.equals(b, nguid.get()))
                            .orElse(false)) {
                return Optional.of(ns);
            }
            if (context.namespaceUuid().isPresent()
                    && read(dir.resolve("uuid"))
                            .map(u -> u.equalsIgnoreCase(
                                    context.namespaceUuid().get().toString()))
                            .orElse(false)) {
                return Optional.of(ns);
            }
        }
        return Optional.empty();
    }

    /** Every namespace head whose subsystem is {@code nqn}. */
    public List<NvmeNamespace> namespaces(String nqn) {
        return allNamespaces().stream()
                .filter(n -> n.subsystemNqn().equals(nqn))
                .toList();
    }

    public List<NvmeNamespace> allNamespaces() {
        Path block = sys.resolve("block");
        if (!Files.isDirectory(block)) return List.of();
        List<NvmeNamespace> out = new ArrayList<>();
        for (Path dev : list(block)) {
            String name = dev.getFileName().toString();
            if (!NAMESPACE_HEAD.matcher(name).matches()) continue;
            namespace(name).ifPresent(out::add);
        }
        return out;
    }

    /** The namespace head named {@code name} (nvme1n1), if it exists now. */
    public Optional<NvmeNamespace> namespace(String name) {
        Path dir = sys.resolve("block").resolve(name);
        // device -> the subsystem (multipath head) or the controller (no multipath); both
        // carry subsysnqn
        Optional<String> nqn = read(dir.resolve("device/subsysnqn"));
        Optional<String> dev = read(dir.resolve("dev"));
        if (nqn.isEmpty() || dev.isEmpty()) return Optional.empty();
        long sectors = read(dir.resolve("size")).map(Long::parseLong).orElse(0L);
        // sysfs "size" is in 512-byte sectors whatever the logical block size (block/genhd.c)
        return Optional.of(new NvmeNamespace(name, dev.get(), nqn.get(), sectors * 512));
    }

    /** The block device a {@code major:minor} pair names, when it is an NVMe namespace head. */
    public Optional<NvmeNamespace> namespaceByDevice(String majorMinor) {
        Path link = sys.resolve("dev/block").resolve(majorMinor);
        if (!Files.exists(link)) return Optional.empty();
        try {
            String name = link.toRealPath().getFileName().toString();
            return NAMESPACE_HEAD.matcher(name).matches() ? namespace(name) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The controllers that serve namespace head {@code name}: all controllers of its subsystem.
     * A namespace is usable while at least one of them is live.
     */
    public List<NvmeController> controllersOf(NvmeNamespace namespace) {
        return controllers(namespace.subsystemNqn());
    }

    private static Optional<byte[]> hex16(String text) {
        String hex = text.strip().replace("-", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 32) return Optional.empty();
        try {
            return Optional.of(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file).strip());
        } catch (IOException e) {
            // attributes vanish when a controller or namespace goes away under us
            return Optional.empty();
        }
    }
}
