package io.peregrine.csi.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs layout of a multipath NVMe host (kernel 6.1), rebuilt in a directory. */
class NvmeSysfsTest {

    private static final String NQN = "nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21";
    private static final UUID NS = UUID.fromString("2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21");

    @Test
    void findsTheHeadByNguidOrUuidWithinItsSubsystemIgnoringPathDevices(@TempDir Path sys) throws Exception {
        controller(sys, "nvme0", NQN, "live");
        controller(sys, "nvme1", "nqn.2026-11.io.peregrine:vol:other", "live");
        namespace(sys, "nvme1n1", "nqn.2026-11.io.peregrine:vol:other", UUID.randomUUID(), "259:1");
        namespace(sys, "nvme0n1", NQN, NS, "259:2");
        // the hidden per-path device carries the same identifiers but is not a head
        Files.createDirectories(sys.resolve("block/nvme0c0n1/device"));
        Files.writeString(sys.resolve("block/nvme0c0n1/device/subsysnqn"), NQN);
        Files.writeString(sys.resolve("block/nvme0c0n1/nguid"), NS.toString());
        NvmeSysfs sysfs = new NvmeSysfs(sys, sys.resolve("dev"));

        PublishContext byNguid = new PublishContext(
                NQN,
                List.of(TargetAddress.tcp("10.0.0.1", 4420)),
                "2b1f6c1e8a544c1b9d0e5f0a8c3e7d21",
                Optional.empty());
        assertEquals("nvme0n1", sysfs.find(NQN, byNguid).orElseThrow().name());
        PublishContext byUuid = new PublishContext(NQN, byNguid.targets(), "", Optional.of(NS));
        assertEquals("nvme0n1", sysfs.find(NQN, byUuid).orElseThrow().name());
        PublishContext other = new PublishContext(NQN, byNguid.targets(), "1".repeat(32), Optional.empty());
        assertTrue(sysfs.find(NQN, other).isEmpty());

        NvmeNamespace ns = sysfs.namespaceByDevice("259:2").orElseThrow();
        assertEquals(64L << 20, ns.sizeBytes());
        assertEquals(NQN, ns.subsystemNqn());
        assertEquals(
                List.of("nvme0"),
                sysfs.controllersOf(ns).stream().map(NvmeController::name).toList());
        assertTrue(sysfs.controllers(NQN).getFirst().connectedTo("10.0.0.1", "4420"));
        assertEquals(Path.of(sys.resolve("dev").toString(), "nvme0n1"), sysfs.devicePath("nvme0n1"));
    }

    @Test
    void anEmptyOrMissingTreeMeansNothingIsConnected(@TempDir Path sys) {
        NvmeSysfs sysfs = new NvmeSysfs(sys.resolve("absent"), sys);
        assertEquals(List.of(), sysfs.allControllers());
        assertEquals(List.of(), sysfs.allNamespaces());
        assertTrue(sysfs.namespaceByDevice("259:9").isEmpty());
    }

    private static void controller(Path sys, String name, String nqn, String state) throws Exception {
        Path c = Files.createDirectories(sys.resolve("class/nvme").resolve(name));
        Files.writeString(c.resolve("subsysnqn"), nqn + "\n");
        Files.writeString(c.resolve("state"), state + "\n");
        Files.writeString(c.resolve("transport"), "tcp\n");
        Files.writeString(c.resolve("address"), "traddr=10.0.0.1,trsvcid=4420,src_addr=10.0.0.9\n");
    }

    private static void namespace(Path sys, String name, String nqn, UUID id, String dev) throws Exception {
        Path b = Files.createDirectories(sys.resolve("block").resolve(name).resolve("device"));
        Files.writeString(b.resolve("subsysnqn"), nqn + "\n");
        Path dir = b.getParent();
        Files.writeString(dir.resolve("nguid"), id + "\n");
        Files.writeString(dir.resolve("uuid"), id + "\n");
        Files.writeString(dir.resolve("dev"), dev + "\n");
        Files.writeString(dir.resolve("size"), (64L << 20) / 512 + "\n");
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block").resolve(dev), dir);
    }
}
