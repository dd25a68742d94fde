package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandsTest {

    @Test
    void getLogPageCountsZeroBasedDwordsAcrossTwoFields() {
        int cdw10 = Commands.getLogPageCdw10(LogPageId.SMART_HEALTH.value(), 512, false);
        int cdw11 = Commands.getLogPageCdw11(512);
        assertEquals(0x02, cdw10 & 0xff);
        assertEquals(127, cdw10 >>> 16); // NUMDL = 128 dwords - 1
        assertEquals(0, cdw11);
        assertEquals(512, Commands.getLogPageBytes(cdw10, cdw11));

        long big = 4L * 0x12345;
        int c10 = Commands.getLogPageCdw10(1, big, true);
        assertEquals(1 << 15, c10 & (1 << 15));
        assertEquals(big, Commands.getLogPageBytes(c10, Commands.getLogPageCdw11(big)));
        assertEquals(0x1_0000_0010L, Commands.getLogPageOffset(0x10, 1));
        assertThrows(IllegalArgumentException.class, () -> Commands.getLogPageCdw10(2, 6, false));
    }

    @Test
    void queueCommands() {
        int cdw10 = Commands.createQueueCdw10(3, 1024);
        assertEquals(3, Commands.queueId(cdw10));
        assertEquals(1024, Commands.queueEntries(cdw10));
        assertEquals(1023 << 16 | 3, cdw10);
        int sq11 = Commands.createIoSqCdw11(true, 0, 3);
        assertEquals(3, Commands.createIoSqCqid(sq11));
        assertTrue(Commands.physicallyContiguous(sq11));
        assertEquals(1, Commands.createIoCqCdw11(true, false, 0));
        assertEquals(0x0005_0003, Commands.createIoCqCdw11(true, true, 5));
        assertEquals(7, Commands.deleteQueueCdw10(7));
    }

    @Test
    void numberOfQueuesIsZeroBasedBothWays() {
        int value = Commands.numberOfQueues(4, 2);
        assertEquals(0x0001_0003, value);
        assertEquals(4, Commands.numberOfSubmissionQueues(value));
        assertEquals(2, Commands.numberOfCompletionQueues(value));
        assertEquals(
                FeatureId.NUMBER_OF_QUEUES.value(),
                Commands.featureId(Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false)));
        assertEquals(1 << 31 | 7, Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, true));
        assertEquals(0x206, Commands.getFeaturesCdw10(FeatureId.VOLATILE_WRITE_CACHE, 2));
    }

    @Test
    void abortAndIdentify() {
        int cdw10 = Commands.abortCdw10(2, 0x1234);
        assertEquals(2, Commands.abortSqid(cdw10));
        assertEquals(0x1234, Commands.abortCid(cdw10));
        assertTrue(Commands.abortNotPerformed(1));
        assertFalse(Commands.abortNotPerformed(0));
        assertEquals(0x0005_0001, Commands.identifyCdw10(Cns.CONTROLLER, 5));
        assertEquals(3, Commands.identifyCns(Commands.identifyCdw10(Cns.NAMESPACE_ID_DESCRIPTORS, 0)));
    }

    @Test
    void readWriteAndDatasetManagement() {
        assertEquals(0, Commands.rwCdw12(1, 0));
        assertEquals(0xffff | Commands.CDW12_DEAC, Commands.rwCdw12(65536, Commands.CDW12_DEAC));
        assertEquals(65536, Commands.rwBlocks(0xffff));
        assertThrows(IllegalArgumentException.class, () -> Commands.rwCdw12(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Commands.rwCdw12(65537, 0));
        assertEquals(255, Commands.dsmCdw10(256));
        assertEquals(256, Commands.dsmRanges(255));
        assertThrows(IllegalArgumentException.class, () -> Commands.dsmCdw10(0));
        assertEquals(4, Commands.DSM_ATTRIBUTE_DEALLOCATE);
    }

    @Test
    void opcodeAndIdentifierTables() {
        assertSame(AdminOpcode.CREATE_IO_CQ, AdminOpcode.of(0x05));
        assertSame(AdminOpcode.FABRICS, AdminOpcode.of(0x7F));
        assertNull(AdminOpcode.of(0x03));
        assertSame(NvmOpcode.DATASET_MANAGEMENT, NvmOpcode.of(NvmOpcode.OPC_DATASET_MANAGEMENT));
        assertEquals(NvmOpcode.WRITE_ZEROES.value(), NvmOpcode.OPC_WRITE_ZEROES);
        assertEquals(NvmOpcode.READ.value(), NvmOpcode.OPC_READ);
        assertEquals(NvmOpcode.WRITE.value(), NvmOpcode.OPC_WRITE);
        assertEquals(NvmOpcode.FLUSH.value(), NvmOpcode.OPC_FLUSH);
        assertSame(FabricsCommandType.CONNECT, FabricsCommandType.of(1));
        assertNull(FabricsCommandType.of(2));
        assertSame(Cns.CONTROLLER, Cns.of(1));
        assertNull(Cns.of(0xff));
        assertSame(LogPageId.ERROR_INFORMATION, LogPageId.of(1));
        assertNull(LogPageId.of(0xfe));
        assertSame(FeatureId.KEEP_ALIVE_TIMER, FeatureId.of(0x0f));
        assertNull(FeatureId.of(0));
        for (AdminOpcode op : AdminOpcode.values()) assertFalse(op.specName().isBlank());
    }
}
