package io.peregrine.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceUriTest {

    @Test
    void pcieAddresses() {
        assertEquals(new DeviceUri.Pcie("0000:00:05.0"), DeviceUri.parse("pcie://0000:00:05.0"));
        assertEquals(new DeviceUri.Pcie("0000:3b:00.1"), DeviceUri.parse("pcie://3B:00.1"));
        assertEquals("pcie://0000:00:05.0", DeviceUri.parse("pcie://00:05.0").toString());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DeviceUri.parse("pcie://nvme0"));
        assertTrue(e.getMessage().contains("names a PCI address"), e.getMessage());
    }

    @Test
    void modelsInMemoryInAFileAndOverNothing() {
        DeviceUri.Emu memory = (DeviceUri.Emu) DeviceUri.parse("emu://?size=1G");
        assertEquals(Optional.empty(), memory.file());
        assertEquals(1L << 30, memory.sizeBytes());
        assertFalse(memory.nullBackend());
        assertEquals(512, memory.blockSize());
        assertEquals(64, memory.queues());

        DeviceUri.Emu file = (DeviceUri.Emu) DeviceUri.parse("emu:///var/tmp/disk.img?size=10G&block=4096");
        assertEquals(Optional.of(Path.of("/var/tmp/disk.img")), file.file());
        assertEquals(4096, file.blockSize());
        assertEquals("disk.img", file.name());

        DeviceUri.Emu nul = (DeviceUri.Emu) DeviceUri.parse("emu://?null&size=1T&queues=8&entries=256&mdts=7&name=x");
        assertTrue(nul.nullBackend());
        assertEquals(1L << 40, nul.sizeBytes());
        assertEquals(8, nul.queues());
        assertEquals(256, nul.entries());
        assertEquals(7, nul.mdts());
        assertEquals("x", nul.name());
        assertEquals(0, ((DeviceUri.Emu) DeviceUri.parse("emu:///existing.img")).sizeBytes());
    }

    @Test
    void badUrisSayWhatIsWrong() {
        assertMessage("file:///dev/sdb", "is not a device URI");
        assertMessage("emu://", "say how big the namespace is");
        assertMessage("emu://?size=lots", "is not a size");
        assertMessage("emu://?size=1G&colour=red", "unknown option 'colour'");
        assertMessage("emu:///a?null&size=1G", "a null namespace has no file");
        assertMessage("emu://?size=1000", "not a multiple of the block size");
        assertMessage("emu://?size=1G&block=1000", "block must be a power of two");
        assertMessage("emu://?size=1G&queues=many", "queues wants a number");
    }

    private static void assertMessage(String uri, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceUri.parse(uri));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void sizes() {
        assertEquals(4096, DeviceUri.parseSize("4096", "t"));
        assertEquals(128 << 10, DeviceUri.parseSize("128K", "t"));
        assertEquals(512L << 20, DeviceUri.parseSize("512m", "t"));
        assertEquals(2L << 40, DeviceUri.parseSize("2TB", "t"));
        assertThrows(IllegalArgumentException.class, () -> DeviceUri.parseSize("0", "t"));
        assertThrows(IllegalArgumentException.class, () -> DeviceUri.parseSize("9999999999T", "t"));
    }

    @Test
    void openingAModelAndClosingItAll() {
        try (NvmeDevice device = NvmeDevice.open("emu://?size=4M&block=4096")) {
            assertTrue(device.model().isPresent());
            assertEquals(1024, device.controller().namespaces().getFirst().blockCount());
            assertEquals("emu:emu0", device.pciFunction().address());
            assertTrue(device.dmaMemory().mappedBytes() > 0);
        }
    }
}
