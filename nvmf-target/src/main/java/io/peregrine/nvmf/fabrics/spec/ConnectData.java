package io.peregrine.nvmf.fabrics.spec;

import static io.peregrine.nvme.spec.Le.U16;
import static io.peregrine.nvme.spec.Le.bytes;
import static io.peregrine.nvme.spec.Le.reserved;

import io.peregrine.nvme.spec.Field;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The 1024 bytes of data a Connect command carries (NVMe Base 2.1, "Connect Command Data"): who
 * connects (HOSTID, HOSTNQN), to what (SUBNQN) and, for an I/O queue, to which controller
 * (CNTLID; FFFFh on the admin queue asks for a dynamically allocated controller).
 */
public final class ConnectData {
    public static final long SIZE = 1024;

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    bytes(16).withName("hostid"),
                    U16.withName("cntlid"),
                    reserved(238),
                    bytes(256).withName("subnqn"),
                    bytes(256).withName("hostnqn"),
                    reserved(256))
            .withName("nvmf_connect_data");

    public static final Field.Bytes HOSTID = Field.bytes(LAYOUT, "hostid");
    public static final Field.U16 CNTLID = Field.u16(LAYOUT, "cntlid");
    public static final Field.Utf8z SUBNQN = Field.utf8z(LAYOUT, "subnqn");
    public static final Field.Utf8z HOSTNQN = Field.utf8z(LAYOUT, "hostnqn");

    /** CNTLID asking for a dynamically allocated controller (the dynamic controller model). */
    public static final int CNTLID_DYNAMIC = 0xFFFF;
    /** Largest CNTLID a controller may be given (FFF0h-FFFFh are reserved). */
    public static final int CNTLID_MAX = 0xFFEF;

    private ConnectData() {}
}
