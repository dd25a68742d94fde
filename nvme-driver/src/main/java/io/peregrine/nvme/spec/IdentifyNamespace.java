package io.peregrine.nvme.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U64;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * Identify Namespace data structure for the NVM command set, CNS 00h: 4096 bytes (NVM Command Set
 * 1.1, "Identify Namespace Data Structure"). Sizes are in logical blocks of the format FLBAS
 * selects from the LBA Format list.
 */
public final class IdentifyNamespace {

    public static final long SIZE = 4096;
    public static final int LBA_FORMATS = 64;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    U64.withName("nsze"),
                    U64.withName("ncap"),
                    U64.withName("nuse"),
                    U8.withName("nsfeat"),
                    U8.withName("nlbaf"),
                    U8.withName("flbas"),
                    U8.withName("mc"),
                    U8.withName("dpc"),
                    U8.withName("dps"),
                    U8.withName("nmic"),
                    U8.withName("rescap"),
                    U8.withName("fpi"),
                    U8.withName("dlfeat"),
                    U16.withName("nawun"),
                    U16.withName("nawupf"),
                    U16.withName("nacwu"),
                    U16.withName("nabsn"),
                    U16.withName("nabo"),
                    U16.withName("nabspf"),
                    U16.withName("noiob"),
                    bytes(16).withName("nvmcap"),
                    U16.withName("npwg"),
                    U16.withName("npwa"),
                    U16.withName("npdg"),
                    U16.withName("npda"),
                    U16.withName("nows"),
                    U16.withName("mssrl"),
                    U32.withName("mcl"),
                    U8.withName("msrc"),
                    reserved(1),
                    U8.withName("nulbaf"),
                    reserved(9),
                    U32.withName("anagrpid"),
                    reserved(3),
                    U8.withName("nsattr"),
                    U16.withName("nvmsetid"),
                    U16.withName("endgid"),
                    bytes(16).withName("nguid"),
                    bytes(8).withName("eui64"),
                    MemoryLayout.sequenceLayout(LBA_FORMATS, U32).withName("lbaf"),
                    bytes(3712).withName("vs"))
            .withName("nvme_id_ns");

    /** Namespace Size: total logical blocks. */
    public static final Field.U64 NSZE = Field.u64(LAYOUT, "nsze");
    /** Namespace Capacity: logical blocks that may be allocated. */
    public static final Field.U64 NCAP = Field.u64(LAYOUT, "ncap");
    /** Namespace Utilization: logical blocks currently allocated. */
    public static final Field.U64 NUSE = Field.u64(LAYOUT, "nuse");

    public static final Field.U8 NSFEAT = Field.u8(LAYOUT, "nsfeat");
    /** Number of LBA Formats, 0's based. */
    public static final Field.U8 NLBAF = Field.u8(LAYOUT, "nlbaf");
    /** Formatted LBA Size: format index bits 3:0 (low) and 6:5 (high), bit 4 extended metadata. */
    public static final Field.U8 FLBAS = Field.u8(LAYOUT, "flbas");

    public static final Field.U8 MC = Field.u8(LAYOUT, "mc");
    public static final Field.U8 DPC = Field.u8(LAYOUT, "dpc");
    public static final Field.U8 DPS = Field.u8(LAYOUT, "dps");
    public static final Field.U8 NMIC = Field.u8(LAYOUT, "nmic");
    public static final Field.U8 RESCAP = Field.u8(LAYOUT, "rescap");
    public static final Field.U8 FPI = Field.u8(LAYOUT, "fpi");
    /** Deallocate Logical Block Features: bits 2:0 what a deallocated block reads as. */
    public static final Field.U8 DLFEAT = Field.u8(LAYOUT, "dlfeat");

    public static final Field.U16 NAWUN = Field.u16(LAYOUT, "nawun");
    public static final Field.U16 NAWUPF = Field.u16(LAYOUT, "nawupf");
    public static final Field.U16 NACWU = Field.u16(LAYOUT, "nacwu");
    public static final Field.U16 NABSN = Field.u16(LAYOUT, "nabsn");
    public static final Field.U16 NABO = Field.u16(LAYOUT, "nabo");
    public static final Field.U16 NABSPF = Field.u16(LAYOUT, "nabspf");
    public static final Field.U16 NOIOB = Field.u16(LAYOUT, "noiob");
    public static final Field.U128 NVMCAP = Field.u128(LAYOUT, "nvmcap");
    public static final Field.U16 NPWG = Field.u16(LAYOUT, "npwg");
    public static final Field.U16 NPWA = Field.u16(LAYOUT, "npwa");
    public static final Field.U16 NPDG = Field.u16(LAYOUT, "npdg");
    public static final Field.U16 NPDA = Field.u16(LAYOUT, "npda");
    public static final Field.U16 NOWS = Field.u16(LAYOUT, "nows");
    public static final Field.U16 MSSRL = Field.u16(LAYOUT, "mssrl");
    public static final Field.U32 MCL = Field.u32(LAYOUT, "mcl");
    public static final Field.U8 MSRC = Field.u8(LAYOUT, "msrc");
    public static final Field.U8 NULBAF = Field.u8(LAYOUT, "nulbaf");
    public static final Field.U32 ANAGRPID = Field.u32(LAYOUT, "anagrpid");
    public static final Field.U8 NSATTR = Field.u8(LAYOUT, "nsattr");
    public static final Field.U16 NVMSETID = Field.u16(LAYOUT, "nvmsetid");
    public static final Field.U16 ENDGID = Field.u16(LAYOUT, "endgid");
    public static final Field.Bytes NGUID = Field.bytes(LAYOUT, "nguid");
    public static final Field.Bytes EUI64 = Field.bytes(LAYOUT, "eui64");
    /** The LBA Format list, 64 × 4 bytes; see {@link LbaFormat}. */
    public static final Field.Bytes LBAF = Field.bytes(LAYOUT, "lbaf");

    public static final Field.Bytes VS = Field.bytes(LAYOUT, "vs");

    public static final List<Field> FIELDS = List.of(
            NSZE, NCAP, NUSE, NSFEAT, NLBAF, FLBAS, MC, DPC, DPS, NMIC, RESCAP, FPI, DLFEAT, NAWUN, NAWUPF, NACWU,
            NABSN, NABO, NABSPF, NOIOB, NVMCAP, NPWG, NPWA, NPDG, NPDA, NOWS, MSSRL, MCL, MSRC, NULBAF, ANAGRPID,
            NSATTR, NVMSETID, ENDGID, NGUID, EUI64, LBAF, VS);

    // NSFEAT bits
    public static final int NSFEAT_THIN_PROVISIONING = 1;
    public static final int NSFEAT_NATOMIC = 1 << 1;
    public static final int NSFEAT_DEALLOCATED_ERROR = 1 << 2;
    public static final int NSFEAT_ID_REUSE = 1 << 3;
    public static final int NSFEAT_OPTIMAL_IO = 1 << 4;

    // DLFEAT read behaviour (bits 2:0) and the Write Zeroes deallocate bit
    public static final int DLFEAT_READ_NOT_REPORTED = 0;
    public static final int DLFEAT_READ_ZEROES = 1;
    public static final int DLFEAT_READ_ONES = 2;
    public static final int DLFEAT_WRITE_ZEROES_DEALLOCATES = 1 << 3;

    /** The LBA format at {@code index}. */
    public static LbaFormat lbaFormat(MemorySegment identify, int index) {
        if (index < 0 || index >= LBA_FORMATS) {
            throw new IllegalArgumentException("LBA format index is 0-63, got " + index);
        }
        return LbaFormat.decode(identify.get(Le.U32, LBAF.offset() + 4L * index));
    }

    public static void lbaFormat(MemorySegment identify, int index, LbaFormat format) {
        if (index < 0 || index >= LBA_FORMATS) {
            throw new IllegalArgumentException("LBA format index is 0-63, got " + index);
        }
        identify.set(Le.U32, LBAF.offset() + 4L * index, format.encode());
    }

    /** The index FLBAS selects: bits 3:0 plus bits 6:5 as the high two bits (when more than 16 formats). */
    public static int formattedIndex(int flbas) {
        return (flbas & 0xf) | (((flbas >>> 5) & 0x3) << 4);
    }

    /** The LBA format the namespace is formatted with. */
    public static LbaFormat formatted(MemorySegment identify) {
        return lbaFormat(identify, formattedIndex(FLBAS.get(identify)));
    }

    private IdentifyNamespace() {}
}
