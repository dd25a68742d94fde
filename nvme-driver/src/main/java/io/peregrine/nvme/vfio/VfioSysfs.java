package io.peregrine.nvme.vfio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What sysfs says about a PCI function before we ask VFIO for it: does it exist, which driver
 * holds it, which IOMMU group it is in and who else is in that group. Each check fails with a
 * message that says what to do. The root is a parameter so tests can point it at a fake tree.
 */
final class VfioSysfs {

    private static final Pattern BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");
    /** Drivers VFIO tolerates on other functions of a viable group. */
    private static final List<String> HARMLESS_DRIVERS = List.of("vfio-pci", "pci-stub", "pcieport");

    private final Path sys;

    VfioSysfs(Path sys) {
        this.sys = sys;
    }

    static String normalize(String bdf) {
        String lower = bdf.toLowerCase(java.util.Locale.ROOT);
        if (lower.matches("[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")) lower = "0000:" + lower;
        if (!BDF.matcher(lower).matches()) {
            throw new VfioException("'" + bdf + "' is not a PCI address: use domain:bus:device.function, "
                    + "e.g. 0000:00:05.0 (lspci -D lists them)");
        }
        return lower;
    }

    /** The 24-bit PCI class code of {@code bdf}, or -1 when sysfs does not know the device. */
    int classCode(String bdf) {
        try {
            return Integer.decode(Files.readString(device(bdf).resolve("class")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    Path device(String bdf) {
        return sys.resolve("bus/pci/devices").resolve(bdf);
    }

    /** Throws unless {@code bdf} exists and is bound to vfio-pci; answers its IOMMU group. */
    int checkBoundToVfio(String bdf) {
        Path device = device(bdf);
        if (!Files.isDirectory(device)) {
            throw new VfioException("no PCI device " + bdf + " (no " + device + "): check the address with lspci -D");
        }
        Optional<String> driver = driver(device);
        String bindHint = "bind it to vfio-pci: echo vfio-pci > " + device.resolve("driver_override") + "; echo " + bdf
                + " > " + sys.resolve("bus/pci/drivers_probe");
        if (driver.isEmpty()) {
            throw new VfioException(bdf + " has no driver bound, not `vfio-pci`: " + bindHint);
        }
        if (!driver.get().equals("vfio-pci")) {
            throw new VfioException(bdf + " is bound to `" + driver.get() + "`, not `vfio-pci`: unbind it (echo " + bdf
                    + " > " + device.resolve("driver/unbind") + ", after unmounting anything on it) and " + bindHint);
        }
        return group(bdf);
    }

    int group(String bdf) {
        Path link = device(bdf).resolve("iommu_group");
        if (!Files.isSymbolicLink(link) && !Files.isDirectory(link)) {
            throw new VfioException(bdf + " has no IOMMU group: VFIO needs an IOMMU. Enable VT-d/AMD-Vi in the firmware"
                    + " and boot with intel_iommu=on (or amd_iommu=on); in a VM add a virtual IOMMU");
        }
        try {
            return Integer.parseInt(link.toRealPath().getFileName().toString());
        } catch (IOException | NumberFormatException e) {
            throw new VfioException("cannot read the IOMMU group of " + bdf + " from " + link, e);
        }
    }

    /**
     * The functions in {@code group} that keep it from being viable: bound to a host driver that is
     * not vfio-pci (or one of the drivers VFIO tolerates). Empty when sysfs sees no offender.
     */
    List<String> groupOffenders(int group) {
        Path devices = sys.resolve("kernel/iommu_groups")
                .resolve(Integer.toString(group))
                .resolve("devices");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> members = Files.list(devices)) {
            for (Path member : members.sorted().toList()) {
                Optional<String> driver = driver(member);
                if (driver.isPresent() && !HARMLESS_DRIVERS.contains(driver.get())) {
                    offenders.add(member.getFileName() + " is bound to `" + driver.get() + "`");
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return offenders;
    }

    private static Optional<String> driver(Path device) {
        Path link = device.resolve("driver");
        if (!Files.exists(link)) return Optional.empty();
        try {
            return Optional.of(link.toRealPath().getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
