package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Identify and log page structures written and read back through their fields, as a target and a host would. */
class IdentifyDataTest {

    @Test
    void identifyControllerStringsAndNumbers() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(IdentifyController.SIZE);
            IdentifyController.VID.set(id, 0x1b36);
            IdentifyController.SN.set(id, "PEREGRINE0001");
            IdentifyController.MN.set(id, "Peregrine NVMe model");
            IdentifyController.FR.set(id, "0.1");
            IdentifyController.MDTS.set(id, 5);
            IdentifyController.NN.set(id, 3);
            IdentifyController.ONCS.set(
                    id, IdentifyController.ONCS_WRITE_ZEROES | IdentifyController.ONCS_DATASET_MANAGEMENT);
            IdentifyController.TNVMCAP.set(id, BigInteger.ONE.shiftLeft(70));
            IdentifyController.SUBNQN.set(id, "nqn.2026-11.io.peregrine:test");
            IdentifyController.SQES.set(id, 0x66);
            IdentifyController.CQES.set(id, 0x44);

            assertEquals(0x1b36, IdentifyController.VID.get(id));
            assertEquals("PEREGRINE0001", IdentifyController.SN.get(id));
            assertEquals(' ', (char) id.get(Le.U8, 4 + 19)); // space padded, not NUL
            assertEquals("Peregrine NVMe model", IdentifyController.MN.get(id));
            assertEquals("0.1", IdentifyController.FR.get(id));
            assertEquals(3, IdentifyController.NN.get(id));
            assertEquals(BigInteger.ONE.shiftLeft(70), IdentifyController.TNVMCAP.get(id));
            assertEquals(Long.MAX_VALUE, IdentifyController.TNVMCAP.getSaturated(id));
            assertEquals("nqn.2026-11.io.peregrine:test", IdentifyController.SUBNQN.get(id));
            assertEquals(4096L << 5, IdentifyController.maxTransferBytes(IdentifyController.MDTS.get(id), 4096));
            assertEquals(0, IdentifyController.maxTransferBytes(0, 4096));
            assertEquals(2048 + 32, IdentifyController.powerState(id, 1).address() - id.address());
        }
    }

    @Test
    void stringFieldsRefuseWhatDoesNotFit() {
        MemorySegment id = MemorySegment.ofArray(new byte[4096]);
        assertThrows(IllegalArgumentException.class, () -> IdentifyController.SN.set(id, "x".repeat(21)));
        assertThrows(IllegalArgumentException.class, () -> IdentifyController.SN.set(id, "tab\there"));
        assertThrows(IllegalArgumentException.class, () -> IdentifyController.SUBNQN.set(id, "n".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> IdentifyController.powerState(id, 32));
        // control characters a broken device reports are not passed on
        id.set(Le.U8, IdentifyController.MN.offset(), (byte) 7);
        assertEquals("?", IdentifyController.MN.get(id));
    }

    @Test
    void identifyNamespaceLbaFormats() {
        MemorySegment ns = MemorySegment.ofArray(new byte[4096]);
        IdentifyNamespace.NSZE.set(ns, 1L << 20);
        IdentifyNamespace.NLBAF.set(ns, 1);
        IdentifyNamespace.lbaFormat(ns, 0, LbaFormat.ofBlockSize(512));
        IdentifyNamespace.lbaFormat(ns, 1, new LbaFormat(8, 12, 0));
        IdentifyNamespace.FLBAS.set(ns, 1);
        assertEquals(1L << 20, IdentifyNamespace.NSZE.get(ns));
        assertEquals(4096, IdentifyNamespace.formatted(ns).blockSize());
        assertEquals(8, IdentifyNamespace.formatted(ns).metadataSize());
        assertEquals(0x0009_0000, ns.get(Le.U32, 128)); // LBADS 9 in bits 23:16
        assertEquals(0x000C_0008, ns.get(Le.U32, 132));
        // FLBAS bits 6:5 are the high bits of the index
        assertEquals(0x13, IdentifyNamespace.formattedIndex(0x23));
        assertThrows(IllegalArgumentException.class, () -> IdentifyNamespace.lbaFormat(ns, 64));
    }

    @Test
    void lbaFormatCodec() {
        LbaFormat f = new LbaFormat(16, 12, 2);
        assertEquals(f, LbaFormat.decode(f.encode()));
        assertEquals(0, new LbaFormat(0, 0, 0).blockSize());
        assertThrows(IllegalArgumentException.class, () -> LbaFormat.ofBlockSize(1000));
        assertThrows(IllegalArgumentException.class, () -> new LbaFormat(0, 9, 4));
    }

    @Test
    void namespaceIdDescriptorListRoundTrips() {
        MemorySegment list = MemorySegment.ofArray(new byte[4096]);
        UUID uuid = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        byte[] nguid = new byte[16];
        for (int i = 0; i < 16; i++) nguid[i] = (byte) (i + 1);
        List<NamespaceIdDescriptor> written = List.of(
                NamespaceIdDescriptor.eui64(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                NamespaceIdDescriptor.nguid(nguid),
                NamespaceIdDescriptor.uuid(uuid),
                NamespaceIdDescriptor.csi(0));
        NamespaceIdDescriptor.writeList(list, written);

        assertEquals(1, list.get(Le.U8, 0)); // NIDT EUI64
        assertEquals(8, list.get(Le.U8, 1)); // NIDL
        assertEquals(2, list.get(Le.U8, 12)); // next descriptor after 4 + 8 bytes
        assertEquals(0x0f, list.get(Le.U8, 12 + 20 + 4)); // UUID in RFC 4122 byte order
        assertEquals(written, NamespaceIdDescriptor.parseList(list));
        assertEquals(uuid, NamespaceIdDescriptor.parseList(list).get(2).asUuid());
        assertEquals("UUID " + uuid, NamespaceIdDescriptor.uuid(uuid).toString());
    }

    @Test
    void unknownDescriptorTypesAreSkippedAndBrokenListsRefused() {
        MemorySegment list = MemorySegment.ofArray(new byte[4096]);
        list.set(Le.U8, 0, (byte) 0x7f); // unknown type, 2 bytes
        list.set(Le.U8, 1, (byte) 2);
        list.set(Le.U8, 6, (byte) 4); // CSI
        list.set(Le.U8, 7, (byte) 1);
        assertEquals(List.of(NamespaceIdDescriptor.csi(0)), NamespaceIdDescriptor.parseList(list));

        MemorySegment bad = MemorySegment.ofArray(new byte[4096]);
        bad.set(Le.U8, 0, (byte) 3);
        bad.set(Le.U8, 1, (byte) 8); // UUID must be 16
        assertThrows(IllegalArgumentException.class, () -> NamespaceIdDescriptor.parseList(bad));
        bad.set(Le.U8, 4088, (byte) 3);
        bad.set(Le.U8, 0, (byte) 0);
        bad.set(Le.U8, 1, (byte) 0);
        assertEquals(List.of(), NamespaceIdDescriptor.parseList(bad));
        assertThrows(
                IllegalArgumentException.class,
                () -> new NamespaceIdDescriptor(NamespaceIdDescriptor.Type.UUID, new byte[3]));
    }

    @Test
    void smartHealthCountersAreOneHundredTwentyEightBit() {
        MemorySegment log = MemorySegment.ofArray(new byte[512]);
        SmartHealthLog.COMPOSITE_TEMPERATURE.set(log, 310);
        SmartHealthLog.HOST_READ_COMMANDS.set(log, 1_000_000L);
        SmartHealthLog.DATA_UNITS_WRITTEN.set(log, new BigInteger("18446744073709551616")); // 2^64
        log.set(Le.U16, 200 + 2, (short) 305);
        assertEquals(310, SmartHealthLog.COMPOSITE_TEMPERATURE.get(log));
        assertEquals(1_000_000L, SmartHealthLog.HOST_READ_COMMANDS.getSaturated(log));
        assertEquals(new BigInteger("18446744073709551616"), SmartHealthLog.DATA_UNITS_WRITTEN.get(log));
        assertEquals(305, SmartHealthLog.temperatureSensor(log, 2));
        assertEquals(0, SmartHealthLog.dataUnits(0));
        assertEquals(1, SmartHealthLog.dataUnits(512 * 1000));
        assertEquals(2, SmartHealthLog.dataUnits(512 * 1000 + 1));
        assertThrows(IllegalArgumentException.class, () -> SmartHealthLog.temperatureSensor(log, 9));
    }

    @Test
    void errorLogEntryAndDsmRange() {
        MemorySegment e = MemorySegment.ofArray(new byte[64]);
        ErrorLogEntry.ERROR_COUNT.set(e, 42);
        ErrorLogEntry.STATUS_FIELD.set(e, StatusCode.UNRECOVERED_READ_ERROR.field() << 1);
        ErrorLogEntry.LBA.set(e, 1234);
        assertEquals(42, ErrorLogEntry.ERROR_COUNT.get(e));
        assertEquals(StatusCode.UNRECOVERED_READ_ERROR.field(), ErrorLogEntry.STATUS_FIELD.get(e) >>> 1);
        assertEquals(1234, e.get(Le.U64, 16));

        MemorySegment r = MemorySegment.ofArray(new byte[16 * 2]);
        DsmRange.LENGTH.set(r, 16, 8);
        DsmRange.STARTING_LBA.set(r, 16, 100);
        assertEquals(8, r.get(Le.U32, 20));
        assertEquals(100, r.get(Le.U64, 24));
        assertArrayEquals(new byte[3], IdentifyController.IEEE.get(MemorySegment.ofArray(new byte[4096])));
    }
}
