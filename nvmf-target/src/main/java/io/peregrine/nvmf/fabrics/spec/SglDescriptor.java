package io.peregrine.nvmf.fabrics.spec;

import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U64;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.reserved;

import io.peregrine.nvme.spec.Field;
import io.peregrine.nvme.spec.Sqe;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The one SGL descriptor a Fabrics command carries in its DPTR (NVMe Base 2.1, "SGL Descriptor";
 * TCP Transport 1.1, "Data Transfer"): address, length, and the identifier byte (type in bits
 * 7:4, subtype in bits 3:0). NVMe/TCP uses two: a Data Block with the Offset subtype for
 * in-capsule data, and a Transport SGL Data Block for data moved by R2T/H2CData or C2HData.
 */
public final class SglDescriptor {
    public static final long SIZE = 16;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    U64.withName("address"), U32.withName("length"), reserved(3), U8.withName("identifier"))
            .withName("nvme_sgl_desc");

    public static final Field.U64 ADDRESS = Field.u64(LAYOUT, "address");
    public static final Field.U32 LENGTH = Field.u32(LAYOUT, "length");
    public static final Field.U8 IDENTIFIER = Field.u8(LAYOUT, "identifier");

    /** Data Block descriptor (type 0h), Offset subtype (1h): in-capsule data at ADDRESS. */
    public static final int DATA_BLOCK_OFFSET = 0x01;
    /** Transport SGL Data Block (type 5h), transport specific subtype (Ah): data moved by the transport. */
    public static final int TRANSPORT_DATA_BLOCK = 0x5A;

    /** Byte offset of the descriptor inside an SQE. */
    public static final long IN_SQE = Sqe.DPTR_OFFSET;

    private SglDescriptor() {}
}
