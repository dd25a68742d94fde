package io.peregrine.e2e.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs inside a guest: finds the emulated NVMe controller by its class code, hands it to
 * vfio-pci, and reports the JDK it runs on and the hugepages it got, one fact per line.
 */
public final class GuestSmokeProbe {

    private GuestSmokeProbe() {}

    public static void main(String[] args) throws IOException {
        PciSysfs pci = PciSysfs.system();
        List<String> controllers = pci.devicesOfClass(GuestLab.NVME_CLASS);
        if (controllers.isEmpty()) {
            System.err.println("no PCI device of class 0x010802 (NVMe)");
            System.exit(2);
        }
        String bdf = controllers.getFirst();
        System.out.println("nvme " + bdf + " driver=" + pci.driver(bdf).orElse("none"));
        Path group = pci.bindToVfio(bdf);
        System.out.println("vfio " + bdf + " driver=" + pci.driver(bdf).orElse("none") + " group=" + group + " present="
                + Files.exists(group));
        System.out.println("java " + Runtime.version().feature() + " " + System.getProperty("java.vm.vendor"));
        String hugepages = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(line -> line.startsWith("HugePages_Total:"))
                .findFirst()
                .orElse("HugePages_Total: unknown");
        System.out.println(hugepages.replaceAll("\\s+", " "));
    }
}
