package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.operator.model.DiskUri.InvalidDiskUriException;
import io.peregrine.operator.model.DiskUri.Scheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DiskUriTest {

    @ParameterizedTest
    @CsvSource({
        "pcie://0000:00:04.0, PCIE, pcie://0000:00:04.0, pcie://0000:00:04.0",
        "PCIE://0000:AF:1F.7, PCIE, pcie://0000:af:1f.7, pcie://0000:af:1f.7",
        "uring:///dev/sdb, URING, uring:///dev/sdb, uring:///dev/sdb",
        "uring:///dev/disk/../sdb, URING, uring:///dev/sdb, uring:///dev/sdb",
        "file:///var/lib/peregrine/disk.img?size=10G, FILE, file:///var/lib/peregrine/disk.img?size=10G, file:///var/lib/peregrine/disk.img",
        "file:///var/lib/peregrine/disk.img, FILE, file:///var/lib/peregrine/disk.img, file:///var/lib/peregrine/disk.img",
        "malloc://?size=1G, MALLOC, malloc://?size=1G, malloc://?size=1G",
        "malloc://ram0?size=512Mi, MALLOC, malloc://ram0?size=512Mi, malloc://ram0?size=512Mi",
    })
    void acceptsWhatTheDataplaneCanUse(String text, Scheme scheme, String uri, String identity) {
        DiskUri d = DiskUri.parse(text);
        assertEquals(scheme, d.scheme());
        assertEquals(uri, d.uri());
        assertEquals(identity, d.identity());
    }

    @Test
    void theSameFileWithAnotherSizeIsTheSameDisk() {
        assertEquals(
                DiskUri.parse("file:///d.img?size=1G").identity(),
                DiskUri.parse("file:///d.img?size=2G").identity());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "/dev/sdb",
                "nvme://0000:00:04.0",
                "pcie://00:04.0",
                "pcie://0000:00:20.0",
                "pcie://0000:00:04.8",
                "pcie://0000:00:04.0?size=1G",
                "uring://dev/sdb",
                "uring:///",
                "uring:///dev/sdb?direct=1",
                "file://relative.img",
                "file:///d.img?size=ten",
                "file:///d.img?size=0",
                "file:///d.img?size",
                "malloc://",
                "malloc://?bs=4096",
            })
    void refusesWhatCanNeverNameADisk(String text) {
        InvalidDiskUriException e = assertThrows(InvalidDiskUriException.class, () -> DiskUri.parse(text));
        assertTrue(e.getMessage().contains("://"), "the message shows a well-formed URI: " + e.getMessage());
    }

    @Test
    void anUnknownSchemeListsTheKnownOnes() {
        var e = assertThrows(InvalidDiskUriException.class, () -> DiskUri.parse("iscsi://target/lun0"));
        assertTrue(e.getMessage().contains("unknown scheme 'iscsi'"), e.getMessage());
        for (Scheme s : Scheme.values()) {
            assertTrue(e.getMessage().contains(s.example()), e.getMessage());
        }
    }

    @Test
    void aNullUriIsRefused() {
        assertThrows(InvalidDiskUriException.class, () -> DiskUri.parse(null));
    }
}
