package io.peregrine.csi.guest;

import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The guest kernel's nvmet target, configured through configfs (Documentation/nvme/nvmet.rst):
 * one subsystem per volume named {@code nqn.2026-11.io.peregrine:vol:<uuid>}, one file-backed
 * namespace whose NGUID and UUID are set the way Peregrine derives them, only the node's host
 * allowed. The backing files live on /dev/shm (tmpfs, hence buffered I/O: no O_DIRECT there).
 */
final class KernelNvmetTarget implements VolumeTarget {

    private static final Path NVMET = Path.of("/sys/kernel/config/nvmet");

    private final String address;
    private final int port;
    private final Path portDir;
    private final List<String> subsystems = new ArrayList<>();

    KernelNvmetTarget(String address, int port) {
        this.address = address;
        this.port = port;
        this.portDir = NVMET.resolve("ports/1");
        mkdir(portDir);
        write(portDir.resolve("addr_adrfam"), "ipv4");
        write(portDir.resolve("addr_trtype"), "tcp");
        write(portDir.resolve("addr_traddr"), address);
        write(portDir.resolve("addr_trsvcid"), Integer.toString(port));
    }

    @Override
    public PublishContext export(UUID volume, long sizeBytes, String hostNqn) {
        String nqn = CsiDriver.VOLUME_NQN_PREFIX + volume;
        Path subsystem = NVMET.resolve("subsystems").resolve(nqn);
        mkdir(subsystem);
        write(subsystem.resolve("attr_allow_any_host"), "0");
        Path host = NVMET.resolve("hosts").resolve(hostNqn);
        if (!Files.exists(host)) mkdir(host);
        link(subsystem.resolve("allowed_hosts").resolve(hostNqn), host);
        Path ns = subsystem.resolve("namespaces/1");
        mkdir(ns);
        Path backing = backing(volume);
        resize(backing, sizeBytes);
        write(ns.resolve("device_path"), backing.toString());
        write(ns.resolve("buffered_io"), "1");
        write(ns.resolve("device_uuid"), volume.toString());
        write(ns.resolve("device_nguid"), volume.toString());
        write(ns.resolve("enable"), "1");
        link(portDir.resolve("subsystems").resolve(nqn), subsystem);
        subsystems.add(nqn);
        return new PublishContext(
                nqn, List.of(TargetAddress.tcp(address, port)), VolumeTarget.nguidOf(volume), Optional.of(volume));
    }

    @Override
    public void grow(UUID volume, long sizeBytes) {
        resize(backing(volume), sizeBytes);
        Path ns = NVMET.resolve("subsystems")
                .resolve(CsiDriver.VOLUME_NQN_PREFIX + volume)
                .resolve("namespaces/1");
        // re-reads the size and raises Namespace Attribute Changed to connected hosts
        write(ns.resolve("revalidate_size"), "1");
    }

    @Override
    public void stop() {
        for (String nqn : subsystems) {
            try {
                Files.deleteIfExists(portDir.resolve("subsystems").resolve(nqn));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void start() {
        for (String nqn : subsystems) {
            link(
                    portDir.resolve("subsystems").resolve(nqn),
                    NVMET.resolve("subsystems").resolve(nqn));
        }
    }

    private static Path backing(UUID volume) {
        return Path.of("/dev/shm", "peregrine-" + volume + ".img");
    }

    private static void resize(Path file, long size) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("mkdir " + dir, e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException("ln -s " + target + " " + link, e);
        }
    }

    private static void write(Path attribute, String value) {
        try {
            Files.writeString(attribute, value);
        } catch (IOException e) {
            throw new UncheckedIOException("echo " + value + " > " + attribute, e);
        }
    }
}
