package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins every named field's byte offset and width against the spec's tables (NVMe Base 2.1 and NVM
 * Command Set 1.1; the offsets are the "Bytes" column of each figure). A typo in a layout moves
 * every field after it, so this fails loudly and names the field.
 */
class LayoutOffsetsTest {

    /** offset, width in bytes */
    private static long[] at(long offset, long width) {
        return new long[] {offset, width};
    }

    private static void assertFields(String structure, List<Field> fields, Map<String, long[]> spec) {
        assertEquals(
                spec.keySet(),
                fields.stream().map(Field::name).collect(java.util.stream.Collectors.toSet()),
                structure + ": the named fields differ from the spec table in this test");
        for (Field field : fields) {
            long[] expected = spec.get(field.name());
            assertEquals(expected[0], field.offset(), structure + "." + field.name() + " offset");
            assertEquals(expected[1], field.size(), structure + "." + field.name() + " width");
        }
    }

    @Test
    void submissionQueueEntry() {
        assertEquals(64, Sqe.LAYOUT.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("opc", at(0, 1));
        spec.put("flags", at(1, 1));
        spec.put("cid", at(2, 2));
        spec.put("nsid", at(4, 4));
        spec.put("cdw2", at(8, 4));
        spec.put("cdw3", at(12, 4));
        spec.put("mptr", at(16, 8));
        spec.put("prp1", at(24, 8));
        spec.put("prp2", at(32, 8));
        spec.put("cdw10", at(40, 4));
        spec.put("cdw11", at(44, 4));
        spec.put("cdw12", at(48, 4));
        spec.put("cdw13", at(52, 4));
        spec.put("cdw14", at(56, 4));
        spec.put("cdw15", at(60, 4));
        spec.forEach((name, expected) -> {
            var element = java.lang.foreign.MemoryLayout.PathElement.groupElement(name);
            assertEquals(expected[0], Sqe.LAYOUT.byteOffset(element), "SQE " + name);
            assertEquals(expected[1], Sqe.LAYOUT.select(element).byteSize(), "SQE " + name + " width");
        });
        assertEquals(24, Sqe.DPTR_OFFSET);
    }

    @Test
    void completionQueueEntry() {
        assertEquals(16, Cqe.LAYOUT.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("dw0", at(0, 4));
        spec.put("dw1", at(4, 4));
        spec.put("sqhd", at(8, 2));
        spec.put("sqid", at(10, 2));
        spec.put("cid", at(12, 2));
        spec.put("status", at(14, 2));
        spec.forEach((name, expected) -> {
            var element = java.lang.foreign.MemoryLayout.PathElement.groupElement(name);
            assertEquals(expected[0], Cqe.LAYOUT.byteOffset(element), "CQE " + name);
            assertEquals(expected[1], Cqe.LAYOUT.select(element).byteSize(), "CQE " + name + " width");
        });
        assertEquals(12, Cqe.DW3_OFFSET);
    }

    @Test
    void identifyController() {
        assertEquals(4096, IdentifyController.LAYOUT.byteSize());
        assertEquals(32, IdentifyController.POWER_STATE_DESCRIPTOR.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("vid", at(0, 2));
        spec.put("ssvid", at(2, 2));
        spec.put("sn", at(4, 20));
        spec.put("mn", at(24, 40));
        spec.put("fr", at(64, 8));
        spec.put("rab", at(72, 1));
        spec.put("ieee", at(73, 3));
        spec.put("cmic", at(76, 1));
        spec.put("mdts", at(77, 1));
        spec.put("cntlid", at(78, 2));
        spec.put("ver", at(80, 4));
        spec.put("rtd3r", at(84, 4));
        spec.put("rtd3e", at(88, 4));
        spec.put("oaes", at(92, 4));
        spec.put("ctratt", at(96, 4));
        spec.put("rrls", at(100, 2));
        spec.put("cntrltype", at(111, 1));
        spec.put("fguid", at(112, 16));
        spec.put("crdt1", at(128, 2));
        spec.put("crdt2", at(130, 2));
        spec.put("crdt3", at(132, 2));
        spec.put("nvmsr", at(253, 1));
        spec.put("vwci", at(254, 1));
        spec.put("mec", at(255, 1));
        spec.put("oacs", at(256, 2));
        spec.put("acl", at(258, 1));
        spec.put("aerl", at(259, 1));
        spec.put("frmw", at(260, 1));
        spec.put("lpa", at(261, 1));
        spec.put("elpe", at(262, 1));
        spec.put("npss", at(263, 1));
        spec.put("avscc", at(264, 1));
        spec.put("apsta", at(265, 1));
        spec.put("wctemp", at(266, 2));
        spec.put("cctemp", at(268, 2));
        spec.put("mtfa", at(270, 2));
        spec.put("hmpre", at(272, 4));
        spec.put("hmmin", at(276, 4));
        spec.put("tnvmcap", at(280, 16));
        spec.put("unvmcap", at(296, 16));
        spec.put("rpmbs", at(312, 4));
        spec.put("edstt", at(316, 2));
        spec.put("dsto", at(318, 1));
        spec.put("fwug", at(319, 1));
        spec.put("kas", at(320, 2));
        spec.put("hctma", at(322, 2));
        spec.put("mntmt", at(324, 2));
        spec.put("mxtmt", at(326, 2));
        spec.put("sanicap", at(328, 4));
        spec.put("hmminds", at(332, 4));
        spec.put("hmmaxd", at(336, 2));
        spec.put("nsetidmax", at(338, 2));
        spec.put("endgidmax", at(340, 2));
        spec.put("anatt", at(342, 1));
        spec.put("anacap", at(343, 1));
        spec.put("anagrpmax", at(344, 4));
        spec.put("nanagrpid", at(348, 4));
        spec.put("pels", at(352, 4));
        spec.put("domainid", at(356, 2));
        spec.put("megcap", at(368, 16));
        spec.put("sqes", at(512, 1));
        spec.put("cqes", at(513, 1));
        spec.put("maxcmd", at(514, 2));
        spec.put("nn", at(516, 4));
        spec.put("oncs", at(520, 2));
        spec.put("fuses", at(522, 2));
        spec.put("fna", at(524, 1));
        spec.put("vwc", at(525, 1));
        spec.put("awun", at(526, 2));
        spec.put("awupf", at(528, 2));
        spec.put("icsvscc", at(530, 1));
        spec.put("nwpc", at(531, 1));
        spec.put("acwu", at(532, 2));
        spec.put("ocfs", at(534, 2));
        spec.put("sgls", at(536, 4));
        spec.put("mnan", at(540, 4));
        spec.put("maxdna", at(544, 16));
        spec.put("maxcna", at(560, 4));
        spec.put("subnqn", at(768, 256));
        spec.put("ioccsz", at(1792, 4));
        spec.put("iorcsz", at(1796, 4));
        spec.put("icdoff", at(1800, 2));
        spec.put("fcatt", at(1802, 1));
        spec.put("msdbd", at(1803, 1));
        spec.put("ofcs", at(1804, 2));
        spec.put("dctype", at(1806, 1));
        spec.put("psd", at(2048, 1024));
        spec.put("vs", at(3072, 1024));
        assertFields("IdentifyController", IdentifyController.FIELDS, spec);
    }

    @Test
    void powerStateDescriptor() {
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("mp", at(0, 2));
        spec.put("psflags", at(3, 1));
        spec.put("enlat", at(4, 4));
        spec.put("exlat", at(8, 4));
        spec.put("rrt", at(12, 1));
        spec.put("rrl", at(13, 1));
        spec.put("rwt", at(14, 1));
        spec.put("rwl", at(15, 1));
        spec.put("idlp", at(16, 2));
        spec.put("ips", at(18, 1));
        spec.put("actp", at(20, 2));
        spec.put("apwaps", at(22, 1));
        spec.forEach((name, expected) -> assertEquals(
                expected[0],
                IdentifyController.POWER_STATE_DESCRIPTOR.byteOffset(
                        java.lang.foreign.MemoryLayout.PathElement.groupElement(name)),
                "PSD " + name));
    }

    @Test
    void identifyNamespace() {
        assertEquals(4096, IdentifyNamespace.LAYOUT.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("nsze", at(0, 8));
        spec.put("ncap", at(8, 8));
        spec.put("nuse", at(16, 8));
        spec.put("nsfeat", at(24, 1));
        spec.put("nlbaf", at(25, 1));
        spec.put("flbas", at(26, 1));
        spec.put("mc", at(27, 1));
        spec.put("dpc", at(28, 1));
        spec.put("dps", at(29, 1));
        spec.put("nmic", at(30, 1));
        spec.put("rescap", at(31, 1));
        spec.put("fpi", at(32, 1));
        spec.put("dlfeat", at(33, 1));
        spec.put("nawun", at(34, 2));
        spec.put("nawupf", at(36, 2));
        spec.put("nacwu", at(38, 2));
        spec.put("nabsn", at(40, 2));
        spec.put("nabo", at(42, 2));
        spec.put("nabspf", at(44, 2));
        spec.put("noiob", at(46, 2));
        spec.put("nvmcap", at(48, 16));
        spec.put("npwg", at(64, 2));
        spec.put("npwa", at(66, 2));
        spec.put("npdg", at(68, 2));
        spec.put("npda", at(70, 2));
        spec.put("nows", at(72, 2));
        spec.put("mssrl", at(74, 2));
        spec.put("mcl", at(76, 4));
        spec.put("msrc", at(80, 1));
        spec.put("nulbaf", at(82, 1));
        spec.put("anagrpid", at(92, 4));
        spec.put("nsattr", at(99, 1));
        spec.put("nvmsetid", at(100, 2));
        spec.put("endgid", at(102, 2));
        spec.put("nguid", at(104, 16));
        spec.put("eui64", at(120, 8));
        spec.put("lbaf", at(128, 256));
        spec.put("vs", at(384, 3712));
        assertFields("IdentifyNamespace", IdentifyNamespace.FIELDS, spec);
    }

    @Test
    void errorInformationLogEntry() {
        assertEquals(64, ErrorLogEntry.LAYOUT.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("errcnt", at(0, 8));
        spec.put("sqid", at(8, 2));
        spec.put("cid", at(10, 2));
        spec.put("sf", at(12, 2));
        spec.put("pel", at(14, 2));
        spec.put("lba", at(16, 8));
        spec.put("nsid", at(24, 4));
        spec.put("vsia", at(28, 1));
        spec.put("trtype", at(29, 1));
        spec.put("csi", at(32, 8));
        spec.put("ttsi", at(40, 2));
        assertFields("ErrorLogEntry", ErrorLogEntry.FIELDS, spec);
    }

    @Test
    void smartHealthLog() {
        assertEquals(512, SmartHealthLog.LAYOUT.byteSize());
        Map<String, long[]> spec = new LinkedHashMap<>();
        spec.put("cw", at(0, 1));
        spec.put("ctemp", at(1, 2));
        spec.put("avsp", at(3, 1));
        spec.put("avspt", at(4, 1));
        spec.put("pused", at(5, 1));
        spec.put("egcws", at(6, 1));
        spec.put("dur", at(32, 16));
        spec.put("duw", at(48, 16));
        spec.put("hrc", at(64, 16));
        spec.put("hwc", at(80, 16));
        spec.put("cbt", at(96, 16));
        spec.put("pwrc", at(112, 16));
        spec.put("poh", at(128, 16));
        spec.put("upl", at(144, 16));
        spec.put("mdie", at(160, 16));
        spec.put("neile", at(176, 16));
        spec.put("wctt", at(192, 4));
        spec.put("cctt", at(196, 4));
        spec.put("tsen", at(200, 16));
        spec.put("tmt1tc", at(216, 4));
        spec.put("tmt2tc", at(220, 4));
        spec.put("ttftmt1", at(224, 4));
        spec.put("ttftmt2", at(228, 4));
        assertFields("SmartHealthLog", SmartHealthLog.FIELDS, spec);
    }

    @Test
    void datasetManagementRange() {
        assertEquals(16, DsmRange.LAYOUT.byteSize());
        assertEquals(0, DsmRange.CONTEXT_ATTRIBUTES.offset());
        assertEquals(4, DsmRange.LENGTH.offset());
        assertEquals(8, DsmRange.STARTING_LBA.offset());
    }

    @Test
    void controllerRegisterOffsets() {
        assertEquals(0x00, ControllerRegisters.CAP);
        assertEquals(0x08, ControllerRegisters.VS);
        assertEquals(0x0C, ControllerRegisters.INTMS);
        assertEquals(0x10, ControllerRegisters.INTMC);
        assertEquals(0x14, ControllerRegisters.CC);
        assertEquals(0x1C, ControllerRegisters.CSTS);
        assertEquals(0x20, ControllerRegisters.NSSR);
        assertEquals(0x24, ControllerRegisters.AQA);
        assertEquals(0x28, ControllerRegisters.ASQ);
        assertEquals(0x30, ControllerRegisters.ACQ);
        assertEquals(0x1000, ControllerRegisters.DOORBELLS);
        // SQyTDBL = 1000h + (2y * (4 << DSTRD)), CQyHDBL = 1000h + ((2y + 1) * (4 << DSTRD))
        assertEquals(0x1000, ControllerRegisters.sqTailDoorbell(0, 0));
        assertEquals(0x1004, ControllerRegisters.cqHeadDoorbell(0, 0));
        assertEquals(0x1008, ControllerRegisters.sqTailDoorbell(1, 0));
        assertEquals(0x100C, ControllerRegisters.cqHeadDoorbell(1, 0));
        assertEquals(0x1000 + 2 * 3 * 16, ControllerRegisters.sqTailDoorbell(3, 2));
        assertEquals(0x1000 + 7 * 16, ControllerRegisters.cqHeadDoorbell(3, 2));
    }
}
