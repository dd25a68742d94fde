package io.peregrine.nvmf.pdu;

/**
 * Where the pieces of a PDU go (TCP Transport 1.1, 3.6.2): header (HLEN bytes), optional header
 * digest, padding up to PDO, data, optional data digest. PDO is aligned to the receiver's PDU data
 * alignment, which ICReq (HPDA, for controller-to-host PDUs) and ICResp (CPDA, for host-to-
 * controller PDUs) give as a 0's based number of dwords.
 */
public final class PduLayout {
    /** Largest HPDA/CPDA a peer may ask for: 128-byte alignment. */
    public static final int MAX_PDA = 31;

    private PduLayout() {}

    /** Alignment in bytes for a 0's based PDA value. */
    public static int alignment(int pda) {
        return (pda + 1) * 4;
    }

    /** PDO of a PDU carrying {@code dataLength} bytes; 0 when there is no data. */
    public static int pdo(int hlen, boolean headerDigest, int dataLength, int pda) {
        if (dataLength == 0) return 0;
        int afterHeader = hlen + (headerDigest ? Crc32c.LENGTH : 0);
        int align = alignment(pda);
        int pdo = (afterHeader + align - 1) / align * align;
        if (pdo > 255) throw new IllegalArgumentException("PDO " + pdo + " does not fit the PDO byte");
        return pdo;
    }

    /** PLEN of a PDU whose data (if any) starts at {@code pdo}. */
    public static int plen(int hlen, boolean headerDigest, int pdo, int dataLength, boolean dataDigest) {
        if (dataLength == 0) return hlen + (headerDigest ? Crc32c.LENGTH : 0);
        return pdo + dataLength + (dataDigest ? Crc32c.LENGTH : 0);
    }
}
