package io.peregrine.dataplane.bdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BdevUriTest {
    @Test
    void parsesEveryScheme() {
        assertEquals(new BdevSpec.Pcie("0000:00:05.0", 1), BdevUri.parse("pcie://0000:00:05.0"));
        assertEquals(new BdevSpec.Pcie("0000:af:00.1", 2), BdevUri.parse("pcie://0000:AF:00.1?ns=2"));
        assertEquals(new BdevSpec.Uring(Path.of("/dev/sdb"), OptionalLong.empty()), BdevUri.parse("uring:///dev/sdb"));
        assertEquals(
                new BdevSpec.File(Path.of("/var/lib/p/disk.img"), OptionalLong.of(10L << 30)),
                BdevUri.parse("file:///var/lib/p/disk.img?size=10G"));
        assertEquals(new BdevSpec.File(Path.of("/a b"), OptionalLong.empty()), BdevUri.parse("file:///a%20b"));
        assertEquals(new BdevSpec.Malloc(1L << 30, 512), BdevUri.parse("malloc://?size=1G"));
        assertEquals(new BdevSpec.Malloc(1L << 30, 4096), BdevUri.parse("malloc://?size=1Gi&bs=4096"));
        assertEquals(new BdevSpec.Null(1L << 40, 512), BdevUri.parse("null://?size=1T"));
    }

    @Test
    void canonicalUrisParseBackToTheSameSpec() {
        for (String u : new String[] {
            "pcie://0000:00:05.0", "uring:///dev/sdb", "file:///x/y.img?size=1048576", "malloc://?size=4096&bs=4096"
        }) {
            BdevSpec s = BdevUri.parse(u);
            assertEquals(s, BdevUri.parse(s.uri()));
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "disk.img|no scheme",
                "nvme://0000:00:05.0|unknown scheme 'nvme'",
                "pcie://00:05.0|not a PCI address",
                "pcie://0000:00:05.0?ns=0|not a namespace ID",
                "file://disk.img?size=1G|must be absolute",
                "file:///tmp/|names a directory",
                "file:///tmp/x?size=ten|does not start with a number",
                "file:///tmp/x?size=10Q|unknown unit",
                "file:///tmp/x?size=1000|not a multiple of the 512-byte block size",
                "file:///tmp/x?sz=1G|unknown parameter 'sz'",
                "malloc://|size is missing",
                "malloc://host?size=1G|takes no path",
                "malloc://?size=0|greater than zero",
                "malloc://?size=1G&bs=1024|must be 512 or 4096",
                "null://?size=1T&size=2T|given twice",
            })
    void badUrisSayWhatWasWrongAndShowAGoodOne(String uri, String problem) {
        InvalidBdevUriException e = assertThrows(InvalidBdevUriException.class, () -> BdevUri.parse(uri));
        assertTrue(e.getMessage().contains("'" + uri + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("example: "), e.getMessage());
    }

    @Test
    void sizesAreBinary() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(4096, Sizes.parse("4k"));
        assertEquals(10L << 30, Sizes.parse("10Gi"));
        assertEquals(1L << 40, Sizes.parse("1TiB"));
        assertEquals("10 GiB", Sizes.format(10L << 30));
        assertEquals("1.5 MiB", Sizes.format(3L << 19));
    }
}
