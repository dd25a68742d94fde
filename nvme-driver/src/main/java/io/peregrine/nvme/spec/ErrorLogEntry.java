package io.peregrine.nvme.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.U32;
import static io.peregrine.nvme.spec.Le.U64;
import static io.peregrine.nvme.spec.Le.U8;
import static io.peregrine.nvme.spec.Le.reserved;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.List;

/**
 * One entry of the Error Information log page (LID 01h; NVMe Base 2.1, "Error Information"): 64
 * bytes; the page holds ELPE + 1 of them, newest first. An entry whose Error Count is 0 is unused.
 */
public final class ErrorLogEntry {

    public static final long SIZE = 64;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    U64.withName("errcnt"),
                    U16.withName("sqid"),
                    U16.withName("cid"),
                    U16.withName("sf"),
                    U16.withName("pel"),
                    U64.withName("lba"),
                    U32.withName("nsid"),
                    U8.withName("vsia"),
                    U8.withName("trtype"),
                    reserved(2),
                    U64.withName("csi"),
                    U16.withName("ttsi"),
                    reserved(22))
            .withName("nvme_error_log_entry");

    /** Error Count: a unique, incrementing identifier; 0 marks an unused entry. */
    public static final Field.U64 ERROR_COUNT = Field.u64(LAYOUT, "errcnt");
    /** Submission Queue ID of the failed command; FFFFh when not command specific. */
    public static final Field.U16 SQID = Field.u16(LAYOUT, "sqid");
    /** Command ID of the failed command; FFFFh when not command specific. */
    public static final Field.U16 CID = Field.u16(LAYOUT, "cid");
    /** Phase Tag (bit 0) and Status Field (bits 15:1) the command completed with. */
    public static final Field.U16 STATUS_FIELD = Field.u16(LAYOUT, "sf");
    /** Parameter Error Location: byte (7:0) and bit (10:8) of the SQE field in error; FFFFh if none. */
    public static final Field.U16 PARAMETER_ERROR_LOCATION = Field.u16(LAYOUT, "pel");

    public static final Field.U64 LBA = Field.u64(LAYOUT, "lba");
    public static final Field.U32 NSID = Field.u32(LAYOUT, "nsid");
    public static final Field.U8 VENDOR_SPECIFIC_INFO_AVAILABLE = Field.u8(LAYOUT, "vsia");
    public static final Field.U8 TRTYPE = Field.u8(LAYOUT, "trtype");
    public static final Field.U64 COMMAND_SPECIFIC_INFO = Field.u64(LAYOUT, "csi");
    public static final Field.U16 TRANSPORT_TYPE_SPECIFIC_INFO = Field.u16(LAYOUT, "ttsi");

    public static final List<Field> FIELDS = List.of(
            ERROR_COUNT,
            SQID,
            CID,
            STATUS_FIELD,
            PARAMETER_ERROR_LOCATION,
            LBA,
            NSID,
            VENDOR_SPECIFIC_INFO_AVAILABLE,
            TRTYPE,
            COMMAND_SPECIFIC_INFO,
            TRANSPORT_TYPE_SPECIFIC_INFO);

    private ErrorLogEntry() {}
}
