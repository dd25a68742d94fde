package io.peregrine.nvmf.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.host.HostController;
import io.peregrine.nvmf.host.HostOptions;
import io.peregrine.nvmf.host.HostQueue;
import io.peregrine.nvmf.host.NvmeTcpHost;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.target.NvmfTarget;
import io.peregrine.nvmf.testing.SyncIo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux kernel is the peer. Two guest boots: the guest's kernel host (nvme-cli, fio, ext4)
 * against our target running in this JVM, and our Java host against the guest kernel's nvmet.
 */
@GuestTest
class KernelInteropGuestTest {
    private static final UUID VOLUME = UUID.fromString("5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b");
    private static final UUID KERNEL_HOST_ID = UUID.fromString("1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d");
    private static final String KERNEL_HOST = Nqn.forHost(KERNEL_HOST_ID);

    /** What the guest runs against our target; every check prints FAIL and exits non-zero. */
    private static final String KERNEL_HOST_SCRIPT = """
            set -u
            A=10.0.2.2
            HOST=(--hostnqn "$H" --hostid "$HID")
            fail() { echo "FAIL: $*"; exit 1; }
            dev_for() {
              for s in /sys/class/nvme-subsystem/*; do
                [ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$1" ] || continue
                for n in "$s"/nvme*n*; do [ -e "$n" ] && { echo "/dev/$(basename "$n")"; return 0; }; done
              done
              return 1
            }
            wait_dev() {
              for i in $(seq 1 150); do d=$(dev_for "$1") && [ -b "$d" ] && { echo "$d"; return 0; }; sleep 0.2; done
              return 1
            }

            echo "== discover"
            nvme discover -t tcp -a $A -s "$PORT" "${HOST[@]}" > /tmp/discovery || fail "nvme discover"
            cat /tmp/discovery
            grep -q "subnqn: *$NQN\\$" /tmp/discovery || fail "discovery does not list $NQN"
            grep -q "traddr: *$A" /tmp/discovery || fail "discovery does not advertise $A"
            grep -q "$HIDDEN" /tmp/discovery && fail "discovery lists $HIDDEN, which this host may not see"

            echo "== hosts off the allowlist are refused"
            nvme connect -t tcp -a $A -s "$PORT" -n "$NQN" --hostnqn "$STRANGER" --hostid "$SID" \\
              && fail "a host that is not on the allowlist connected"
            nvme connect -t tcp -a $A -s "$PORT" -n "$HIDDEN" "${HOST[@]}" \\
              && fail "connected to a subsystem this host is not allowed on"

            echo "== connect, fio write+verify"
            nvme connect -t tcp -a $A -s "$PORT" -n "$NQN" "${HOST[@]}" || fail "nvme connect"
            D=$(wait_dev "$NQN") || fail "no namespace block device appeared"
            echo "namespace $D uuid $(cat /sys/block/${D#/dev/}/uuid) size $(cat /sys/block/${D#/dev/}/size)"
            [ "$(cat /sys/block/${D#/dev/}/uuid)" = "$UUID" ] || fail "namespace UUID is not the volume UUID"
            fio --name=verify --filename="$D" --rw=randwrite --bsrange=4k-128k --size=256M --direct=1 \\
                --ioengine=libaio --iodepth=16 --verify=crc32c --do_verify=1 --verify_fatal=1 \\
                --output-format=terse --terse-version=3 > /tmp/fio || { cat /tmp/fio; fail "fio write+verify"; }
            echo "fio: $(cut -d';' -f3,6,47 /tmp/fio)"

            echo "== the volume grows while connected: Namespace Attribute Changed"
            touch "$SHARE/grow"
            for i in $(seq 1 150); do [ "$(cat /sys/block/${D#/dev/}/size)" = "$GROWN_SECTORS" ] && break; sleep 0.2; done
            [ "$(cat /sys/block/${D#/dev/}/size)" = "$GROWN_SECTORS" ] \
              || fail "the kernel still sees $(cat /sys/block/${D#/dev/}/size) sectors, not $GROWN_SECTORS"
            nvme disconnect -n "$NQN" || fail "nvme disconnect"

            echo "== connect with header and data digests, ext4"
            nvme connect -t tcp -a $A -s "$PORT" -n "$NQN" "${HOST[@]}" -g -G || fail "nvme connect -g -G"
            D=$(wait_dev "$NQN") || fail "no namespace block device appeared"
            mkfs.ext4 -q -F "$D" || fail mkfs.ext4
            mkdir -p /mnt/volume && mount "$D" /mnt/volume || fail mount
            dd if=/dev/urandom of=/mnt/volume/a bs=1M count=16 status=none || fail "writing a file"
            mkdir /mnt/volume/dir && cp /mnt/volume/a /mnt/volume/dir/b && sync
            SUM=$(sha256sum < /mnt/volume/a)
            umount /mnt/volume && echo 3 > /proc/sys/vm/drop_caches
            mount "$D" /mnt/volume || fail "mount again"
            [ "$(sha256sum < /mnt/volume/dir/b)" = "$SUM" ] || fail "a file read back differs"
            umount /mnt/volume || fail umount
            nvme disconnect -n "$NQN" || fail "nvme disconnect"
            echo PASS
            """;

    @Test
    void theKernelHostDiscoversConnectsVerifiesAndMountsOurVolume(GuestLab lab, @TempDir Path share)
            throws InterruptedException {
        String hidden = "nqn.2026-11.io.peregrine:hidden";
        long blocks = (256L << 20) / 4096;
        long grown = (384L << 20) / 4096;
        MemoryNamespace namespace = new MemoryNamespace(4096, blocks, grown);
        // the guest asks (a file in the share) and this JVM grows the volume, as the dataplane would
        Thread grower = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (Files.exists(share.resolve("grow"))) {
                    namespace.resize(grown);
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (NvmfTarget target =
                NvmfTarget.builder().threads(2).advertisedAddress("10.0.2.2").build()) {
            Port port = target.listen(new InetSocketAddress("127.0.0.1", 0));
            Subsystem volume = target.exportVolume(VOLUME, namespace);
            volume.allowHost(KERNEL_HOST);
            target.createSubsystem(hidden, "HIDDEN", "Peregrine", 1).allowHost(Nqn.forHost(UUID.randomUUID()));

            GuestSpec spec = GuestSpec.builder()
                    .env("PORT", Integer.toString(port.port()))
                    .env("NQN", volume.nqn())
                    .env("UUID", VOLUME.toString())
                    .env("HIDDEN", hidden)
                    .env("H", KERNEL_HOST)
                    .env("HID", KERNEL_HOST_ID.toString())
                    .env("STRANGER", Nqn.forHost(UUID.randomUUID()))
                    .env("SID", UUID.randomUUID().toString())
                    .env("SHARE", share.toString())
                    .env("GROWN_SECTORS", Long.toString(grown * 8))
                    .share(share)
                    // nothing loads modules on demand in the guest: NVMe/TCP digests need the
                    // kernel's crc32c, the mount needs ext4
                    .module("crc32c_generic")
                    .module("ext4")
                    .timeout(Duration.ofMinutes(8))
                    .build();
            GuestResult result = run(lab, spec, KERNEL_HOST_SCRIPT);

            assertEquals(0, result.exitCode(), result::describe);
            assertTrue(result.stdout().contains("PASS"), result::describe);
            assertTrue(volume.controllers().isEmpty(), "the kernel's controllers are gone after nvme disconnect");
            long[] io = volume.ioStatistics();
            assertTrue(io[1] > 0 && io[0] > 0, "the volume saw reads and writes");
        } finally {
            grower.interrupt();
            grower.join();
        }
    }

    /** What the guest runs to serve a kernel nvmet target until the test says it is done. */
    private static final String KERNEL_TARGET_SCRIPT = """
            set -eu
            modprobe null_blk nr_devices=1 gb=1 memory_backed=1 bs=4096
            S=/sys/kernel/config/nvmet/subsystems/$NQN
            P=/sys/kernel/config/nvmet/ports/1
            mkdir "$S"
            echo 1 > "$S/attr_allow_any_host"
            mkdir "$S/namespaces/1"
            echo -n /dev/nullb0 > "$S/namespaces/1/device_path"
            echo 1 > "$S/namespaces/1/enable"
            mkdir "$P"
            echo ipv4 > "$P/addr_adrfam"; echo tcp > "$P/addr_trtype"
            echo 0.0.0.0 > "$P/addr_traddr"; echo 4420 > "$P/addr_trsvcid"
            ln -s "$S" "$P/subsystems/"
            touch "$SHARE/ready"
            for i in $(seq 1 1200); do [ -e "$SHARE/done" ] && exit 0; sleep 0.2; done
            echo "the host side never finished"; exit 3
            """;

    @Test
    void ourHostConnectsIdentifiesWritesAndReadsBackFromKernelNvmet(GuestLab lab, @TempDir Path share)
            throws Exception {
        int hostPort = freePort();
        String nqn = "nqn.2026-11.io.peregrine:kernel-target";
        GuestSpec spec = GuestSpec.builder()
                .share(share)
                .forward(hostPort, 4420)
                .env("NQN", nqn)
                .env("SHARE", share.toString())
                .module("crc32c_generic")
                .timeout(Duration.ofMinutes(6))
                .build();
        CompletableFuture<GuestResult> guest =
                CompletableFuture.supplyAsync(() -> run(lab, spec, KERNEL_TARGET_SCRIPT));
        try {
            waitFor(share.resolve("ready"), guest);
            try (NvmeTcpHost host = NvmeTcpHost.create(1)) {
                for (boolean digests : new boolean[] {false, true}) {
                    exercise(host, new InetSocketAddress("127.0.0.1", hostPort), nqn, digests);
                }
            }
        } finally {
            Files.writeString(share.resolve("done"), "done\n");
        }
        GuestResult result = guest.get();
        assertEquals(0, result.exitCode(), result::describe);
    }

    private static void exercise(NvmeTcpHost host, InetSocketAddress address, String nqn, boolean digests) {
        HostOptions options = HostOptions.builder(address, nqn)
                .ioQueues(2)
                .queueSize(32)
                .digests(digests, digests)
                .timeout(Duration.ofSeconds(30))
                .build();
        try (HostController controller = host.connect(options)) {
            assertEquals(nqn, IdentifyController.SUBNQN.get(controller.identifyController()));
            assertEquals(List.of(1), controller.activeNamespaces());
            HostController.NamespaceInfo ns = controller.namespace(1);
            assertEquals(4096, ns.blockSize());
            Random random = new Random(digests ? 2 : 1);
            long lba = digests ? 4096 : 0;
            // 4 KiB goes in the capsule, 256 KiB through R2T/H2CData (and comes back in C2HData)
            for (int size : new int[] {4096, 256 * 1024}) {
                for (HostQueue queue : controller.ioQueues()) {
                    byte[] pattern = new byte[size];
                    random.nextBytes(pattern);
                    ByteBuf out =
                            PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(pattern);
                    ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(size);
                    try {
                        int blocks = size / ns.blockSize();
                        assertEquals(0, SyncIo.write(queue, 1, lba, blocks, out), "write to kernel nvmet");
                        assertEquals(0, SyncIo.read(queue, 1, lba, blocks, in, size), "read from kernel nvmet");
                        byte[] back = new byte[size];
                        in.getBytes(0, back);
                        assertArrayEquals(pattern, back, "data read back at LBA " + lba);
                        lba += blocks;
                    } finally {
                        out.release();
                        in.release();
                    }
                }
            }
        }
    }

    /**
     * Runs {@code script} in a guest, once more if the lab itself failed (an overloaded TCG host
     * sometimes fails the guest kernel's IO-APIC timer check at boot) -- never when the script did.
     */
    private static GuestResult run(GuestLab lab, GuestSpec spec, String script) {
        GuestResult result = lab.run(spec, List.of("bash", "-c", script));
        return result.exitCode() == GuestResult.LAB_FAILED ? lab.run(spec, List.of("bash", "-c", script)) : result;
    }

    private static void waitFor(Path file, CompletableFuture<GuestResult> guest) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!Files.exists(file)) {
            if (guest.isDone())
                throw new AssertionError(
                        "the guest ended before it was ready: " + guest.get().describe());
            if (System.nanoTime() > deadline) throw new AssertionError("the guest's nvmet never became ready");
            Thread.sleep(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
