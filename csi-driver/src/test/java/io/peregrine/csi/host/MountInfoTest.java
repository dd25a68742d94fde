package io.peregrine.csi.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountInfoTest {

    @Test
    void parsesOptionalFieldsEscapesAndReadOnly() {
        MountInfo m =
                MountInfo.parse("36 35 259:1 / /var/lib/kubelet/pods/a\\040b/mount ro,relatime shared:1 master:2 - "
                        + "xfs /dev/nvme1n1 ro,attr2,inode64");
        assertEquals(36, m.mountId());
        assertEquals(35, m.parentId());
        assertEquals("259:1", m.majorMinor());
        assertEquals(Path.of("/var/lib/kubelet/pods/a b/mount"), m.mountPoint());
        assertEquals("xfs", m.fsType());
        assertEquals("/dev/nvme1n1", m.source());
        assertTrue(m.readOnly());
        assertTrue(m.superOptions().contains("inode64"));
    }

    @Test
    void aBoundDeviceNodeShowsItsNameAsRoot() {
        MountInfo m = MountInfo.parse("90 30 0:5 /nvme2n1 /staging/device rw,nosuid - devtmpfs udev rw,size=1g");
        assertEquals("/nvme2n1", m.root());
        assertFalse(m.readOnly());
        assertThrows(IllegalArgumentException.class, () -> MountInfo.parse("garbage"));
    }

    @Test
    void theLastStackedMountWinsAndDeviceMountsAreFound(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mountinfo");
        Files.write(
                file,
                List.of(
                        "1 0 8:1 / / rw - ext4 /dev/sda1 rw",
                        "20 1 259:1 / /stage rw - ext4 /dev/nvme0n1 rw",
                        "21 1 8:1 /x /stage rw - ext4 /dev/sda1 rw",
                        "22 1 259:1 / /pod rw - ext4 /dev/nvme0n1 rw",
                        "23 1 0:5 /nvme0n1 /blk rw - devtmpfs udev rw"));
        MountTable table = new MountTable(file);
        assertEquals(21, table.at(Path.of("/stage")).orElseThrow().mountId());
        assertTrue(table.at(Path.of("/nope")).isEmpty());
        assertEquals(
                List.of(20, 22, 23),
                table.mountsOf("259:1", "nvme0n1").stream()
                        .map(MountInfo::mountId)
                        .toList());
    }
}
