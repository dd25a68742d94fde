package io.peregrine.nvme.driver;

import io.peregrine.nvme.spec.ControllerRegisters;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * BAR0 accessed the way a device needs it: aligned 32-bit loads and stores only (64-bit
 * registers as two halves, low first, as the spec allows and every device supports). Register
 * reads are volatile; doorbell writes are release stores — they order the queue entry writes
 * before them, and on x86 cost a plain store.
 */
final class Registers {

    static final VarHandle INT32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment bar;

    Registers(MemorySegment bar) {
        if (bar.byteSize() < ControllerRegisters.DOORBELLS + 8) {
            throw new IllegalArgumentException(
                    "BAR0 is " + bar.byteSize() + " bytes, too small for an NVMe controller");
        }
        this.bar = bar;
    }

    int read32(int offset) {
        return (int) INT32.getVolatile(bar, (long) offset);
    }

    void write32(int offset, int value) {
        INT32.setVolatile(bar, (long) offset, value);
    }

    long read64(int offset) {
        long low = read32(offset) & 0xffff_ffffL;
        long high = read32(offset + 4) & 0xffff_ffffL;
        return low | (high << 32);
    }

    void write64(int offset, long value) {
        write32(offset, (int) value);
        write32(offset + 4, (int) (value >>> 32));
    }

    /** A doorbell write: everything stored before it (SQEs, PRP lists) is visible to the device first. */
    void doorbell(long offset, int value) {
        INT32.setRelease(bar, offset, value);
    }

    long cap() {
        return read64(ControllerRegisters.CAP);
    }

    int vs() {
        return read32(ControllerRegisters.VS);
    }

    int cc() {
        return read32(ControllerRegisters.CC);
    }

    void cc(int value) {
        write32(ControllerRegisters.CC, value);
    }

    int csts() {
        return read32(ControllerRegisters.CSTS);
    }
}
