package io.peregrine.nvmf.fabrics.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U64;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import io.peregrine.nvme.spec.Field;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The Discovery log page (LID 70h; NVMe Base 2.1, "Discovery Log Page"): a 1024-byte header
 * (generation counter, number of records) followed by one 1024-byte entry per subsystem port a
 * host may connect to.
 */
public final class DiscoveryLogPage {
    public static final long HEADER_SIZE = 1024;
    public static final long ENTRY_SIZE = 1024;

    public static final StructLayout HEADER = MemoryLayout.structLayout(
                    U64.withName("genctr"), U64.withName("numrec"), U16.withName("recfmt"), reserved(1006))
            .withName("nvmf_disc_rsp_page_hdr");

    public static final StructLayout ENTRY = MemoryLayout.structLayout(
                    U8.withName("trtype"),
                    U8.withName("adrfam"),
                    U8.withName("subtype"),
                    U8.withName("treq"),
                    U16.withName("portid"),
                    U16.withName("cntlid"),
                    U16.withName("asqsz"),
                    U16.withName("eflags"),
                    reserved(20),
                    bytes(32).withName("trsvcid"),
                    reserved(192),
                    bytes(256).withName("subnqn"),
                    bytes(256).withName("traddr"),
                    bytes(256).withName("tsas"))
            .withName("nvmf_disc_rsp_page_entry");

    /** Generation Counter: changes whenever the log's content does. */
    public static final Field.U64 GENCTR = Field.u64(HEADER, "genctr");

    public static final Field.U64 NUMREC = Field.u64(HEADER, "numrec");
    public static final Field.U16 RECFMT = Field.u16(HEADER, "recfmt");

    public static final Field.U8 TRTYPE = Field.u8(ENTRY, "trtype");
    public static final Field.U8 ADRFAM = Field.u8(ENTRY, "adrfam");
    public static final Field.U8 SUBTYPE = Field.u8(ENTRY, "subtype");
    public static final Field.U8 TREQ = Field.u8(ENTRY, "treq");
    public static final Field.U16 PORTID = Field.u16(ENTRY, "portid");
    public static final Field.U16 CNTLID = Field.u16(ENTRY, "cntlid");
    public static final Field.U16 ASQSZ = Field.u16(ENTRY, "asqsz");
    public static final Field.U16 EFLAGS = Field.u16(ENTRY, "eflags");
    /** Transport service ID: for TCP the port number, as a space-padded ASCII string. */
    public static final Field.Ascii TRSVCID = Field.ascii(ENTRY, "trsvcid");

    public static final Field.Utf8z SUBNQN = Field.utf8z(ENTRY, "subnqn");
    /** Transport address: for TCP the IP address, as a space-padded ASCII string. */
    public static final Field.Ascii TRADDR = Field.ascii(ENTRY, "traddr");
    /** First byte of TSAS for TCP: the security type (SECTYPE, 0 = none). */
    public static final Field.U8 TSAS_TCP_SECTYPE =
            new Field.U8("sectype", ENTRY.byteOffset(MemoryLayout.PathElement.groupElement("tsas")));

    public static final int TRTYPE_TCP = 3;
    public static final int ADRFAM_IPV4 = 1;
    public static final int ADRFAM_IPV6 = 2;
    public static final int SUBTYPE_REFERRAL = 1;
    public static final int SUBTYPE_NVME = 2;
    public static final int SUBTYPE_CURRENT_DISCOVERY = 3;
    /** TREQ bits 1:0: secure channel not specified (0), required (1), not required (2). */
    public static final int TREQ_SECURE_CHANNEL_NOT_REQUIRED = 2;
    /** TREQ bit 2: the controller supports disabling SQ flow control. */
    public static final int TREQ_DISABLE_SQ_FLOW_CONTROL = 1 << 2;
    /** CNTLID of an entry: controllers are allocated dynamically. */
    public static final int CNTLID_DYNAMIC = 0xFFFF;
    /** EFLAGS bit 1: explicit persistent connection supported (the current discovery subsystem). */
    public static final int EFLAGS_EPCSD = 1 << 1;

    private DiscoveryLogPage() {}

    /** Byte offset of entry {@code index}. */
    public static long entry(long index) {
        return HEADER_SIZE + index * ENTRY_SIZE;
    }
}
