package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControllerRegistersTest {

    @Test
    void capDecodesQemusValue() {
        // a CAP as QEMU's NVMe model reports it: MQES 7FFh, CQR, TO 15, DSTRD 0, CSS NVM + I/O sets, MPSMAX 4
        long raw = 0x7FFL | (1L << 16) | (15L << 24) | (1L << 37) | (1L << 43) | (4L << 52);
        ControllerRegisters.Cap cap = ControllerRegisters.Cap.decode(raw);
        assertEquals(0x800, cap.maxQueueEntries());
        assertTrue(cap.cqr());
        assertEquals(15, cap.to());
        assertEquals(7500, cap.timeoutMillis());
        assertEquals(0, cap.dstrd());
        assertEquals(4, cap.doorbellStrideBytes());
        assertEquals(4096, cap.minPageSize());
        assertEquals(4096L << 4, cap.maxPageSize());
        assertTrue((cap.css() & ControllerRegisters.Cap.CSS_NVM_SUPPORTED) != 0);
        assertEquals(raw, cap.encode());
        assertEquals(cap, ControllerRegisters.Cap.decode(cap.encode()));
    }

    @Test
    void capRoundTripsEveryField() {
        var cap = new ControllerRegisters.Cap(1023, false, 3, 200, 5, true, 0xC1, true, 1, 9, true, true);
        assertEquals(cap, ControllerRegisters.Cap.decode(cap.encode()));
    }

    @Test
    void ccCstsAqa() {
        int cc = ControllerRegisters.ccEnable(ControllerRegisters.CSS_NVM, 0);
        assertEquals(0x0046_0001, cc);
        assertEquals(6, ControllerRegisters.ccIosqes(cc));
        assertEquals(4, ControllerRegisters.ccIocqes(cc));
        assertEquals(0, ControllerRegisters.ccMps(cc));
        assertEquals(0, ControllerRegisters.ccCss(cc));
        int shutdown = cc | (ControllerRegisters.SHN_NORMAL << ControllerRegisters.CC_SHN_SHIFT);
        assertEquals(ControllerRegisters.SHN_NORMAL, ControllerRegisters.ccShn(shutdown));
        int csts = ControllerRegisters.CSTS_RDY
                | (ControllerRegisters.SHST_COMPLETE << ControllerRegisters.CSTS_SHST_SHIFT);
        assertEquals(ControllerRegisters.SHST_COMPLETE, ControllerRegisters.cstsShst(csts));
        assertFalse((csts & ControllerRegisters.CSTS_CFS) != 0);
        int aqa = ControllerRegisters.aqa(32, 64);
        assertEquals(0x003F_001F, aqa);
        assertEquals(32, ControllerRegisters.aqaSqEntries(aqa));
        assertEquals(64, ControllerRegisters.aqaCqEntries(aqa));
        assertEquals("1.4.0", ControllerRegisters.version(ControllerRegisters.vs(1, 4, 0)));
        assertEquals(0x4E564D65, ControllerRegisters.NSSR_RESET);
    }
}
