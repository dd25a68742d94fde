package io.peregrine.nvme.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * Identify Controller data structure, CNS 01h: 4096 bytes (NVMe Base 2.1, Identify command,
 * "Identify Controller Data Structure"). Every field a host or a target uses is named; the rest
 * is reserved padding. {@link #FIELDS} lists the named ones (the layout test pins each offset).
 */
public final class IdentifyController {

    public static final long SIZE = 4096;

    /** Power State Descriptor, 32 bytes each, 32 of them at byte 2048. */
    public static final StructLayout POWER_STATE_DESCRIPTOR = MemoryLayout.structLayout(
                    U16.withName("mp"),
                    reserved(1),
                    U8.withName("psflags"),
                    U32.withName("enlat"),
                    U32.withName("exlat"),
                    U8.withName("rrt"),
                    U8.withName("rrl"),
                    U8.withName("rwt"),
                    U8.withName("rwl"),
                    U16.withName("idlp"),
                    U8.withName("ips"),
                    reserved(1),
                    U16.withName("actp"),
                    U8.withName("apwaps"),
                    reserved(9))
            .withName("nvme_id_psd");

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    // controller capabilities and features
                    U16.withName("vid"),
                    U16.withName("ssvid"),
                    bytes(20).withName("sn"),
                    bytes(40).withName("mn"),
                    bytes(8).withName("fr"),
                    U8.withName("rab"),
                    bytes(3).withName("ieee"),
                    U8.withName("cmic"),
                    U8.withName("mdts"),
                    U16.withName("cntlid"),
                    U32.withName("ver"),
                    U32.withName("rtd3r"),
                    U32.withName("rtd3e"),
                    U32.withName("oaes"),
                    U32.withName("ctratt"),
                    U16.withName("rrls"),
                    reserved(9),
                    U8.withName("cntrltype"),
                    bytes(16).withName("fguid"),
                    U16.withName("crdt1"),
                    U16.withName("crdt2"),
                    U16.withName("crdt3"),
                    reserved(119),
                    U8.withName("nvmsr"),
                    U8.withName("vwci"),
                    U8.withName("mec"),
                    // admin command set attributes and optional controller capabilities
                    U16.withName("oacs"),
                    U8.withName("acl"),
                    U8.withName("aerl"),
                    U8.withName("frmw"),
                    U8.withName("lpa"),
                    U8.withName("elpe"),
                    U8.withName("npss"),
                    U8.withName("avscc"),
                    U8.withName("apsta"),
                    U16.withName("wctemp"),
                    U16.withName("cctemp"),
                    U16.withName("mtfa"),
                    U32.withName("hmpre"),
                    U32.withName("hmmin"),
                    bytes(16).withName("tnvmcap"),
                    bytes(16).withName("unvmcap"),
                    U32.withName("rpmbs"),
                    U16.withName("edstt"),
                    U8.withName("dsto"),
                    U8.withName("fwug"),
                    U16.withName("kas"),
                    U16.withName("hctma"),
                    U16.withName("mntmt"),
                    U16.withName("mxtmt"),
                    U32.withName("sanicap"),
                    U32.withName("hmminds"),
                    U16.withName("hmmaxd"),
                    U16.withName("nsetidmax"),
                    U16.withName("endgidmax"),
                    U8.withName("anatt"),
                    U8.withName("anacap"),
                    U32.withName("anagrpmax"),
                    U32.withName("nanagrpid"),
                    U32.withName("pels"),
                    U16.withName("domainid"),
                    reserved(10),
                    bytes(16).withName("megcap"),
                    reserved(128),
                    // NVM command set attributes
                    U8.withName("sqes"),
                    U8.withName("cqes"),
                    U16.withName("maxcmd"),
                    U32.withName("nn"),
                    U16.withName("oncs"),
                    U16.withName("fuses"),
                    U8.withName("fna"),
                    U8.withName("vwc"),
                    U16.withName("awun"),
                    U16.withName("awupf"),
                    U8.withName("icsvscc"),
                    U8.withName("nwpc"),
                    U16.withName("acwu"),
                    U16.withName("ocfs"),
                    U32.withName("sgls"),
                    U32.withName("mnan"),
                    bytes(16).withName("maxdna"),
                    U32.withName("maxcna"),
                    reserved(204),
                    bytes(256).withName("subnqn"),
                    reserved(768),
                    // NVMe over Fabrics attributes
                    U32.withName("ioccsz"),
                    U32.withName("iorcsz"),
                    U16.withName("icdoff"),
                    U8.withName("fcatt"),
                    U8.withName("msdbd"),
                    U16.withName("ofcs"),
                    U8.withName("dctype"),
                    reserved(241),
                    MemoryLayout.sequenceLayout(32, POWER_STATE_DESCRIPTOR).withName("psd"),
                    bytes(1024).withName("vs"))
            .withName("nvme_id_ctrl");

    public static final Field.U16 VID = Field.u16(LAYOUT, "vid");
    public static final Field.U16 SSVID = Field.u16(LAYOUT, "ssvid");
    public static final Field.Ascii SN = Field.ascii(LAYOUT, "sn");
    public static final Field.Ascii MN = Field.ascii(LAYOUT, "mn");
    public static final Field.Ascii FR = Field.ascii(LAYOUT, "fr");
    public static final Field.U8 RAB = Field.u8(LAYOUT, "rab");
    public static final Field.Bytes IEEE = Field.bytes(LAYOUT, "ieee");
    public static final Field.U8 CMIC = Field.u8(LAYOUT, "cmic");
    /** Maximum Data Transfer Size, in units of CAP.MPSMIN, as a power of two; 0 means no limit. */
    public static final Field.U8 MDTS = Field.u8(LAYOUT, "mdts");

    public static final Field.U16 CNTLID = Field.u16(LAYOUT, "cntlid");
    public static final Field.U32 VER = Field.u32(LAYOUT, "ver");
    public static final Field.U32 RTD3R = Field.u32(LAYOUT, "rtd3r");
    public static final Field.U32 RTD3E = Field.u32(LAYOUT, "rtd3e");
    public static final Field.U32 OAES = Field.u32(LAYOUT, "oaes");
    public static final Field.U32 CTRATT = Field.u32(LAYOUT, "ctratt");
    public static final Field.U16 RRLS = Field.u16(LAYOUT, "rrls");
    /** 1h I/O controller, 2h discovery controller, 3h administrative controller. */
    public static final Field.U8 CNTRLTYPE = Field.u8(LAYOUT, "cntrltype");

    public static final Field.Bytes FGUID = Field.bytes(LAYOUT, "fguid");
    public static final Field.U16 CRDT1 = Field.u16(LAYOUT, "crdt1");
    public static final Field.U16 CRDT2 = Field.u16(LAYOUT, "crdt2");
    public static final Field.U16 CRDT3 = Field.u16(LAYOUT, "crdt3");
    public static final Field.U8 NVMSR = Field.u8(LAYOUT, "nvmsr");
    public static final Field.U8 VWCI = Field.u8(LAYOUT, "vwci");
    public static final Field.U8 MEC = Field.u8(LAYOUT, "mec");
    public static final Field.U16 OACS = Field.u16(LAYOUT, "oacs");
    /** Abort Command Limit, 0's based. */
    public static final Field.U8 ACL = Field.u8(LAYOUT, "acl");
    /** Asynchronous Event Request Limit, 0's based. */
    public static final Field.U8 AERL = Field.u8(LAYOUT, "aerl");

    public static final Field.U8 FRMW = Field.u8(LAYOUT, "frmw");
    /** Log Page Attributes. */
    public static final Field.U8 LPA = Field.u8(LAYOUT, "lpa");
    /** Error Log Page Entries, 0's based. */
    public static final Field.U8 ELPE = Field.u8(LAYOUT, "elpe");
    /** Number of Power States Support, 0's based. */
    public static final Field.U8 NPSS = Field.u8(LAYOUT, "npss");

    public static final Field.U8 AVSCC = Field.u8(LAYOUT, "avscc");
    public static final Field.U8 APSTA = Field.u8(LAYOUT, "apsta");
    /** Warning Composite Temperature Threshold, Kelvin. */
    public static final Field.U16 WCTEMP = Field.u16(LAYOUT, "wctemp");
    /** Critical Composite Temperature Threshold, Kelvin. */
    public static final Field.U16 CCTEMP = Field.u16(LAYOUT, "cctemp");

    public static final Field.U16 MTFA = Field.u16(LAYOUT, "mtfa");
    public static final Field.U32 HMPRE = Field.u32(LAYOUT, "hmpre");
    public static final Field.U32 HMMIN = Field.u32(LAYOUT, "hmmin");
    /** Total NVM Capacity, bytes. */
    public static final Field.U128 TNVMCAP = Field.u128(LAYOUT, "tnvmcap");
    /** Unallocated NVM Capacity, bytes. */
    public static final Field.U128 UNVMCAP = Field.u128(LAYOUT, "unvmcap");

    public static final Field.U32 RPMBS = Field.u32(LAYOUT, "rpmbs");
    public static final Field.U16 EDSTT = Field.u16(LAYOUT, "edstt");
    public static final Field.U8 DSTO = Field.u8(LAYOUT, "dsto");
    public static final Field.U8 FWUG = Field.u8(LAYOUT, "fwug");
    /** Keep Alive Support: granularity of KATO in 100 ms units; 0 means Keep Alive is not supported. */
    public static final Field.U16 KAS = Field.u16(LAYOUT, "kas");

    public static final Field.U16 HCTMA = Field.u16(LAYOUT, "hctma");
    public static final Field.U16 MNTMT = Field.u16(LAYOUT, "mntmt");
    public static final Field.U16 MXTMT = Field.u16(LAYOUT, "mxtmt");
    public static final Field.U32 SANICAP = Field.u32(LAYOUT, "sanicap");
    public static final Field.U32 HMMINDS = Field.u32(LAYOUT, "hmminds");
    public static final Field.U16 HMMAXD = Field.u16(LAYOUT, "hmmaxd");
    public static final Field.U16 NSETIDMAX = Field.u16(LAYOUT, "nsetidmax");
    public static final Field.U16 ENDGIDMAX = Field.u16(LAYOUT, "endgidmax");
    public static final Field.U8 ANATT = Field.u8(LAYOUT, "anatt");
    public static final Field.U8 ANACAP = Field.u8(LAYOUT, "anacap");
    public static final Field.U32 ANAGRPMAX = Field.u32(LAYOUT, "anagrpmax");
    public static final Field.U32 NANAGRPID = Field.u32(LAYOUT, "nanagrpid");
    public static final Field.U32 PELS = Field.u32(LAYOUT, "pels");
    public static final Field.U16 DOMAINID = Field.u16(LAYOUT, "domainid");
    public static final Field.U128 MEGCAP = Field.u128(LAYOUT, "megcap");
    /** SQ entry size: required (bits 3:0) and maximum (bits 7:4), as powers of two. */
    public static final Field.U8 SQES = Field.u8(LAYOUT, "sqes");
    /** CQ entry size: required (bits 3:0) and maximum (bits 7:4), as powers of two. */
    public static final Field.U8 CQES = Field.u8(LAYOUT, "cqes");

    public static final Field.U16 MAXCMD = Field.u16(LAYOUT, "maxcmd");
    /** Number of Namespaces: the largest NSID the controller may use. */
    public static final Field.U32 NN = Field.u32(LAYOUT, "nn");
    /** Optional NVM Command Support; see the {@code ONCS_*} bits. */
    public static final Field.U16 ONCS = Field.u16(LAYOUT, "oncs");

    public static final Field.U16 FUSES = Field.u16(LAYOUT, "fuses");
    public static final Field.U8 FNA = Field.u8(LAYOUT, "fna");
    /** Volatile Write Cache: bit 0 present. */
    public static final Field.U8 VWC = Field.u8(LAYOUT, "vwc");

    public static final Field.U16 AWUN = Field.u16(LAYOUT, "awun");
    public static final Field.U16 AWUPF = Field.u16(LAYOUT, "awupf");
    public static final Field.U8 ICSVSCC = Field.u8(LAYOUT, "icsvscc");
    public static final Field.U8 NWPC = Field.u8(LAYOUT, "nwpc");
    public static final Field.U16 ACWU = Field.u16(LAYOUT, "acwu");
    public static final Field.U16 OCFS = Field.u16(LAYOUT, "ocfs");
    /** SGL Support. */
    public static final Field.U32 SGLS = Field.u32(LAYOUT, "sgls");

    public static final Field.U32 MNAN = Field.u32(LAYOUT, "mnan");
    public static final Field.U128 MAXDNA = Field.u128(LAYOUT, "maxdna");
    public static final Field.U32 MAXCNA = Field.u32(LAYOUT, "maxcna");
    public static final Field.Utf8z SUBNQN = Field.utf8z(LAYOUT, "subnqn");
    /** I/O Queue Command Capsule Supported Size, 16-byte units (Fabrics). */
    public static final Field.U32 IOCCSZ = Field.u32(LAYOUT, "ioccsz");
    /** I/O Queue Response Capsule Supported Size, 16-byte units (Fabrics). */
    public static final Field.U32 IORCSZ = Field.u32(LAYOUT, "iorcsz");
    /** In Capsule Data Offset, 16-byte units (Fabrics). */
    public static final Field.U16 ICDOFF = Field.u16(LAYOUT, "icdoff");

    public static final Field.U8 FCATT = Field.u8(LAYOUT, "fcatt");
    public static final Field.U8 MSDBD = Field.u8(LAYOUT, "msdbd");
    public static final Field.U16 OFCS = Field.u16(LAYOUT, "ofcs");
    public static final Field.U8 DCTYPE = Field.u8(LAYOUT, "dctype");
    /** The power state descriptors (32 × 32 bytes), as raw bytes. */
    public static final Field.Bytes PSD = Field.bytes(LAYOUT, "psd");

    public static final Field.Bytes VS = Field.bytes(LAYOUT, "vs");

    /** Every named field, in layout order. */
    public static final List<Field> FIELDS = List.of(
            VID, SSVID, SN, MN, FR, RAB, IEEE, CMIC, MDTS, CNTLID, VER, RTD3R, RTD3E, OAES, CTRATT, RRLS, CNTRLTYPE,
            FGUID, CRDT1, CRDT2, CRDT3, NVMSR, VWCI, MEC, OACS, ACL, AERL, FRMW, LPA, ELPE, NPSS, AVSCC, APSTA, WCTEMP,
            CCTEMP, MTFA, HMPRE, HMMIN, TNVMCAP, UNVMCAP, RPMBS, EDSTT, DSTO, FWUG, KAS, HCTMA, MNTMT, MXTMT, SANICAP,
            HMMINDS, HMMAXD, NSETIDMAX, ENDGIDMAX, ANATT, ANACAP, ANAGRPMAX, NANAGRPID, PELS, DOMAINID, MEGCAP, SQES,
            CQES, MAXCMD, NN, ONCS, FUSES, FNA, VWC, AWUN, AWUPF, ICSVSCC, NWPC, ACWU, OCFS, SGLS, MNAN, MAXDNA, MAXCNA,
            SUBNQN, IOCCSZ, IORCSZ, ICDOFF, FCATT, MSDBD, OFCS, DCTYPE, PSD, VS);

    // CNTRLTYPE values
    public static final int CNTRLTYPE_IO = 1;
    public static final int CNTRLTYPE_DISCOVERY = 2;
    public static final int CNTRLTYPE_ADMIN = 3;

    // OACS bits
    public static final int OACS_SECURITY = 1;
    public static final int OACS_FORMAT_NVM = 1 << 1;
    public static final int OACS_FIRMWARE = 1 << 2;
    public static final int OACS_NAMESPACE_MANAGEMENT = 1 << 3;
    public static final int OACS_DEVICE_SELF_TEST = 1 << 4;
    public static final int OACS_DIRECTIVES = 1 << 5;
    public static final int OACS_NVME_MI = 1 << 6;
    public static final int OACS_VIRTUALIZATION = 1 << 7;
    public static final int OACS_DOORBELL_BUFFER_CONFIG = 1 << 8;
    public static final int OACS_GET_LBA_STATUS = 1 << 9;

    // ONCS bits
    public static final int ONCS_COMPARE = 1;
    public static final int ONCS_WRITE_UNCORRECTABLE = 1 << 1;
    public static final int ONCS_DATASET_MANAGEMENT = 1 << 2;
    public static final int ONCS_WRITE_ZEROES = 1 << 3;
    public static final int ONCS_SAVE_SELECT = 1 << 4;
    public static final int ONCS_RESERVATIONS = 1 << 5;
    public static final int ONCS_TIMESTAMP = 1 << 6;
    public static final int ONCS_VERIFY = 1 << 7;
    public static final int ONCS_COPY = 1 << 8;

    // LPA bits
    public static final int LPA_SMART_PER_NAMESPACE = 1;
    public static final int LPA_COMMANDS_EFFECTS = 1 << 1;
    public static final int LPA_EXTENDED_DATA = 1 << 2;

    // OAES bits
    public static final int OAES_NAMESPACE_ATTRIBUTE_NOTICES = 1 << 8;
    public static final int OAES_FIRMWARE_ACTIVATION_NOTICES = 1 << 9;
    public static final int OAES_ANA_CHANGE_NOTICES = 1 << 11;
    public static final int OAES_DISCOVERY_LOG_CHANGE_NOTICES = 1 << 31;

    // CTRATT bits
    public static final int CTRATT_HOST_ID_128 = 1;
    public static final int CTRATT_TBKAS = 1 << 6;

    /** Power state descriptor {@code n} (0-31) within an Identify Controller structure. */
    public static MemorySegment powerState(MemorySegment identify, int n) {
        if (n < 0 || n > 31) throw new IllegalArgumentException("power states are 0-31, got " + n);
        return identify.asSlice(PSD.offset() + n * POWER_STATE_DESCRIPTOR.byteSize(), 32);
    }

    /** The largest transfer in bytes for {@code mdts} and a minimum page size; 0 when unlimited. */
    public static long maxTransferBytes(int mdts, long minPageSize) {
        return mdts == 0 ? 0 : minPageSize << mdts;
    }

    private IdentifyController() {}
}
