package io.peregrine.nvmf.fabrics.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U64;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import io.peregrine.nvme.spec.Field;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The 64-byte SQE of the Fabrics commands (opcode 7Fh; NVMe Base 2.1, "Fabrics Command Set"):
 * the common part (FCTYPE at byte 4, where other commands keep NSID) and the command-specific
 * dwords of Connect, Property Get/Set and Disconnect.
 */
public final class FabricsCommand {
    public static final int OPCODE = 0x7F;

    /** Common Fabrics command: OPC, flags, CID, FCTYPE, reserved, SGL1, command specific. */
    public static final StructLayout COMMON = MemoryLayout.structLayout(
                    U8.withName("opc"),
                    U8.withName("flags"),
                    U16.withName("cid"),
                    U8.withName("fctype"),
                    reserved(19),
                    bytes(16).withName("sgl1"),
                    bytes(24).withName("fcs"))
            .withName("nvmf_common_command");

    /** Connect (FCTYPE 01h). */
    public static final StructLayout CONNECT = MemoryLayout.structLayout(
                    reserved(40),
                    U16.withName("recfmt"),
                    U16.withName("qid"),
                    U16.withName("sqsize"),
                    U8.withName("cattr"),
                    reserved(1),
                    U32.withName("kato"),
                    reserved(12))
            .withName("nvmf_connect_command");

    /** Property Set (FCTYPE 00h) and Property Get (FCTYPE 04h). */
    public static final StructLayout PROPERTY = MemoryLayout.structLayout(
                    reserved(40),
                    U8.withName("attrib"),
                    reserved(3),
                    U32.withName("ofst"),
                    U64.withName("value"),
                    reserved(8))
            .withName("nvmf_property_command");

    /** Disconnect (FCTYPE 08h). */
    public static final StructLayout DISCONNECT = MemoryLayout.structLayout(
                    reserved(40), U16.withName("recfmt"), reserved(22))
            .withName("nvmf_disconnect_command");

    public static final Field.U8 FCTYPE = Field.u8(COMMON, "fctype");

    public static final Field.U16 CONNECT_RECFMT = Field.u16(CONNECT, "recfmt");
    /** Queue to create: 0 for the admin queue. */
    public static final Field.U16 CONNECT_QID = Field.u16(CONNECT, "qid");
    /** Submission queue size, 0's based. */
    public static final Field.U16 CONNECT_SQSIZE = Field.u16(CONNECT, "sqsize");
    /** Connect Attributes: priority class (1:0), SQ flow control disable (2). */
    public static final Field.U8 CONNECT_CATTR = Field.u8(CONNECT, "cattr");
    /** Keep Alive Timeout in milliseconds (admin queue only); 0 disables keep alive. */
    public static final Field.U32 CONNECT_KATO = Field.u32(CONNECT, "kato");

    /** CATTR bit 2: the host asks that SQ flow control be disabled (SQHD no longer reported). */
    public static final int CATTR_DISABLE_SQ_FLOW_CONTROL = 1 << 2;
    /** RECFMT of the Connect command this code implements. */
    public static final int RECFMT_0 = 0;

    /** Property size: bits 2:0 of ATTRIB, 0 = 4 bytes, 1 = 8 bytes. */
    public static final Field.U8 PROPERTY_ATTRIB = Field.u8(PROPERTY, "attrib");

    public static final Field.U32 PROPERTY_OFST = Field.u32(PROPERTY, "ofst");
    public static final Field.U64 PROPERTY_VALUE = Field.u64(PROPERTY, "value");
    public static final int ATTRIB_SIZE_4 = 0;
    public static final int ATTRIB_SIZE_8 = 1;

    public static final Field.U16 DISCONNECT_RECFMT = Field.u16(DISCONNECT, "recfmt");

    private FabricsCommand() {}

    /** Data transfer direction of a Fabrics command: bits 1:0 of FCTYPE, as for opcodes. */
    public static int direction(int fctype) {
        return fctype & 0x3;
    }
}
