package io.peregrine.dataplane.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.CreatePoolRequest;
import io.peregrine.dataplane.api.v1.CreateVolumeRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.PoolServiceGrpc;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.Volume;
import io.peregrine.dataplane.api.v1.VolumeServiceGrpc;
import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import io.peregrine.e2e.lab.GuestTest;
import io.peregrine.nvmf.core.Nqn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux kernel's NVMe/TCP host attaches a volume the daemon (in this JVM, on the host)
 * exports: a host off the allowlist is refused, the allowed one writes 4 MiB with O_DIRECT and
 * reads it back, and after it disconnects our own host reads the same bytes through the target.
 * One guest boot.
 */
@GuestTest
class KernelAttachGuestTest {
    private static final UUID KERNEL_HOST_ID = UUID.fromString("2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901");
    private static final String KERNEL_HOST = Nqn.forHost(KERNEL_HOST_ID);

    private static final String SCRIPT = """
            set -u
            fail() { echo "FAIL: $*"; exit 1; }
            dev_for() {
              for s in /sys/class/nvme-subsystem/*; do
                [ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$1" ] || continue
                for n in "$s"/nvme*n*; do [ -e "$n" ] && { echo "/dev/$(basename "$n")"; return 0; }; done
              done
              return 1
            }
            nvme connect -t tcp -a 10.0.2.2 -s "$PORT" -n "$NQN" --hostnqn "$STRANGER" --hostid "$SID" \\
              && fail "a host off the allowlist connected"
            nvme connect -t tcp -a 10.0.2.2 -s "$PORT" -n "$NQN" --hostnqn "$H" --hostid "$HID" || fail "nvme connect"
            D=""
            for i in $(seq 1 150); do D=$(dev_for "$NQN") && [ -b "$D" ] && break; sleep 0.2; done
            [ -b "$D" ] || fail "no namespace block device appeared"
            echo "namespace $D: $(cat /sys/block/${D#/dev/}/size) sectors"
            dd if=/dev/urandom of=/tmp/a bs=1M count=4 status=none
            dd if=/tmp/a of="$D" bs=1M oflag=direct conv=fsync status=none || fail "writing"
            dd if="$D" of=/tmp/b bs=1M count=4 iflag=direct status=none || fail "reading"
            cmp /tmp/a /tmp/b || fail "read back differs"
            cp /tmp/a "$SHARE/written"
            nvme disconnect -n "$NQN" || fail "nvme disconnect"
            echo PASS
            """;

    @Test
    void theKernelWritesAndReadsAVolumeOurHostThenReadsBack(GuestLab lab, @TempDir Path dir, @TempDir Path share)
            throws Exception {
        try (Daemon daemon = Daemon.start(TestDaemons.config(dir));
                TestDaemons.Client client =
                        new TestDaemons.Client(daemon.management().socket())) {
            PoolServiceGrpc.newBlockingStub(client.channel)
                    .createPool(CreatePoolRequest.newBuilder()
                            .setName("g")
                            .setDiskUri("file://" + dir.resolve("g.img") + "?size=128M")
                            .build());
            Volume v = VolumeServiceGrpc.newBlockingStub(client.channel)
                    .createVolume(CreateVolumeRequest.newBuilder()
                            .setPool("g")
                            .setName("kernel")
                            .setSizeBytes(32L << 20)
                            .build());
            Export e = ExportServiceGrpc.newBlockingStub(client.channel)
                    .publishVolume(PublishVolumeRequest.newBuilder()
                            .setVolumeUuid(v.getUuid())
                            .addAllowedHostNqns(KERNEL_HOST)
                            .addAllowedHostNqns(TestDaemons.HOST_A)
                            .build());
            GuestSpec spec = GuestSpec.builder()
                    .env("PORT", Integer.toString(daemon.targetAddress().getPort()))
                    .env("NQN", e.getSubsystemNqn())
                    .env("H", KERNEL_HOST)
                    .env("HID", KERNEL_HOST_ID.toString())
                    .env("STRANGER", Nqn.forHost(UUID.randomUUID()))
                    .env("SID", UUID.randomUUID().toString())
                    .env("SHARE", share.toString())
                    .share(share)
                    .module("crc32c_generic")
                    .timeout(Duration.ofMinutes(6))
                    .build();
            GuestResult result = lab.run(spec, List.of("bash", "-c", SCRIPT));
            assertEquals(0, result.exitCode(), result::describe);
            assertTrue(result.stdout().contains("PASS"), result::describe);

            byte[] written = Files.readAllBytes(share.resolve("written"));
            try (HostIo host = new HostIo(daemon.targetAddress(), e.getSubsystemNqn(), TestDaemons.HOST_A)) {
                assertArrayEquals(written, host.read(0, written.length / host.blockSize()));
            }
        }
    }
}
