package io.peregrine.dataplane.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * NVMe controllers on this machine's PCI bus, from sysfs (class 0x010802): what a node could build
 * {@code pcie://} pools on. Identity comes from the kernel's nvme driver when it owns the
 * controller; one bound to vfio-pci is only known by its address until a pool opens it.
 */
public final class PciNvme {
    private static final String NVME_CLASS = "0x010802";

    private PciNvme() {}

    /** One controller as sysfs shows it. */
    public record Controller(
            String bdf, String driver, String model, String serial, String firmware, long sizeBytes, int blockSize) {
        public String uri() {
            return "pcie://" + bdf;
        }
    }

    public static List<Controller> scan() {
        return scan(Path.of("/sys/bus/pci/devices"));
    }

    static List<Controller> scan(Path devices) {
        List<Controller> out = new ArrayList<>();
        if (!Files.isDirectory(devices)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(devices)) {
            for (Path d : dirs) {
                if (!NVME_CLASS.equals(read(d.resolve("class")).orElse(""))) {
                    continue;
                }
                String driver = "";
                try {
                    driver = Files.readSymbolicLink(d.resolve("driver"))
                            .getFileName()
                            .toString();
                } catch (IOException | UnsupportedOperationException unbound) {
                    // no driver bound
                }
                String model = "";
                String serial = "";
                String firmware = "";
                long size = 0;
                int block = 0;
                Path nvme = d.resolve("nvme");
                if (Files.isDirectory(nvme)) {
                    try (DirectoryStream<Path> ctrls = Files.newDirectoryStream(nvme)) {
                        for (Path c : ctrls) {
                            model = read(c.resolve("model")).orElse("");
                            serial = read(c.resolve("serial")).orElse("");
                            firmware = read(c.resolve("firmware_rev")).orElse("");
                            Path ns = c.resolve(c.getFileName() + "n1");
                            size = read(ns.resolve("size")).map(Long::parseLong).orElse(0L) * 512;
                            block = read(ns.resolve("queue/logical_block_size"))
                                    .map(Integer::parseInt)
                                    .orElse(0);
                        }
                    }
                }
                out.add(new Controller(d.getFileName().toString(), driver, model, serial, firmware, size, block));
            }
        } catch (IOException | NumberFormatException e) {
            // sysfs changed under us or is not what we expect: report what we found
        }
        out.sort((a, b) -> a.bdf().compareTo(b.bdf()));
        return out;
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
