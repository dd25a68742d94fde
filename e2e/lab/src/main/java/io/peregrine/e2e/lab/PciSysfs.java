package io.peregrine.e2e.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * PCI devices as sysfs shows them, and the three writes that hand one to vfio-pci. Runs inside
 * a guest (as root); the root directory is a parameter so tests can point it at a fake tree.
 */
public final class PciSysfs {

    private final Path pci;

    /** @param pci the {@code /sys/bus/pci} directory (or a copy of its shape) */
    public PciSysfs(Path pci) {
        this.pci = pci;
    }

    public static PciSysfs system() {
        return new PciSysfs(Path.of("/sys/bus/pci"));
    }

    /** Addresses (BDF, e.g. {@code 0000:00:04.0}) of every device with this class code, sorted. */
    public List<String> devicesOfClass(int classCode) {
        try (Stream<Path> devices = Files.list(pci.resolve("devices"))) {
            return devices.filter(d -> classOf(d) == classCode)
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pci.resolve("devices"), e);
        }
    }

    /** The driver bound to {@code bdf}, if any. */
    public Optional<String> driver(String bdf) {
        Path link = device(bdf).resolve("driver");
        if (!Files.isSymbolicLink(link)) return Optional.empty();
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + link, e);
        }
    }

    /** The IOMMU group of {@code bdf}; absent when the IOMMU is off. */
    public Optional<Integer> iommuGroup(String bdf) {
        Path link = device(bdf).resolve("iommu_group");
        if (!Files.isSymbolicLink(link)) return Optional.empty();
        try {
            return Optional.of(
                    Integer.parseInt(Files.readSymbolicLink(link).getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + link, e);
        }
    }

    /**
     * Detaches {@code bdf} from its kernel driver and binds it to vfio-pci (a no-op when it
     * already is). Returns the VFIO group device, {@code /dev/vfio/<group>}.
     */
    public Path bindToVfio(String bdf) {
        Path device = device(bdf);
        if (!Files.isDirectory(device)) {
            throw new IllegalArgumentException("no PCI device " + bdf + " under " + pci.resolve("devices"));
        }
        int group = iommuGroup(bdf)
                .orElseThrow(() -> new IllegalStateException(
                        bdf + " has no IOMMU group: VFIO needs an IOMMU (intel_iommu=on and a vIOMMU in a guest)"));
        if (!driver(bdf).equals(Optional.of("vfio-pci"))) {
            if (driver(bdf).isPresent()) write(device.resolve("driver/unbind"), bdf);
            // driver_override makes the next probe pick vfio-pci whatever the device's IDs
            write(device.resolve("driver_override"), "vfio-pci");
            write(pci.resolve("drivers_probe"), bdf);
        }
        Optional<String> now = driver(bdf);
        if (!now.equals(Optional.of("vfio-pci"))) {
            throw new IllegalStateException(bdf + " did not bind to vfio-pci (driver now: " + now.orElse("none")
                    + "); is the vfio-pci module loaded? dmesg says why a probe failed");
        }
        return Path.of("/dev/vfio", Integer.toString(group));
    }

    private Path device(String bdf) {
        return pci.resolve("devices").resolve(bdf);
    }

    private static int classOf(Path device) {
        try {
            String text = Files.readString(device.resolve("class"), StandardCharsets.US_ASCII)
                    .strip();
            return Integer.decode(text);
        } catch (IOException | NumberFormatException e) {
            return -1; // not a device directory with a readable class: not what we look for
        }
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write '" + value + "' to " + file, e);
        }
    }
}
