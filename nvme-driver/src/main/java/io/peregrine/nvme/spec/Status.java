package io.peregrine.nvme.spec;

/**
 * A completion's Status Field (NVMe Base 2.1), decoded:
 *
 * <pre>
 *  bit 14    DNR  Do Not Retry
 *  bit 13    M    More (information in the Error log page)
 *  bits 12:11 CRD Command Retry Delay (index into CRDT1-3 of Identify Controller)
 *  bits 10:8 SCT  Status Code Type
 *  bits 7:0  SC   Status Code
 * </pre>
 *
 * On the I/O path the field travels as a plain {@code int}; the static helpers decode it without
 * allocating. A {@code Status} object is made when a status is reported, logged or thrown.
 */
public record Status(int sct, int sc, int crd, boolean more, boolean dnr) {

    public static final Status SUCCESS = new Status(0, 0, 0, false, false);

    public Status {
        if (sct < 0 || sct > 7) throw new IllegalArgumentException("SCT is 3 bits, got " + sct);
        if (sc < 0 || sc > 0xff) throw new IllegalArgumentException("SC is 8 bits, got " + sc);
        if (crd < 0 || crd > 3) throw new IllegalArgumentException("CRD is 2 bits, got " + crd);
    }

    /** Decodes a 15-bit Status Field (CQE DW3 bits 31:17). */
    public static Status fromField(int field) {
        return new Status(sct(field), sc(field), crd(field), more(field), dnr(field));
    }

    public static int field(int sct, int sc, int crd, boolean more, boolean dnr) {
        return (sc & 0xff) | ((sct & 0x7) << 8) | ((crd & 0x3) << 11) | (more ? 1 << 13 : 0) | (dnr ? 1 << 14 : 0);
    }

    public int field() {
        return field(sct, sc, crd, more, dnr);
    }

    public static int sc(int field) {
        return field & 0xff;
    }

    public static int sct(int field) {
        return (field >>> 8) & 0x7;
    }

    public static int crd(int field) {
        return (field >>> 11) & 0x3;
    }

    public static boolean more(int field) {
        return (field & (1 << 13)) != 0;
    }

    public static boolean dnr(int field) {
        return (field & (1 << 14)) != 0;
    }

    /** Success is SCT 0 / SC 0, whatever the other bits say. */
    public static boolean isSuccess(int field) {
        return (field & 0x7ff) == 0;
    }

    public boolean isSuccess() {
        return sct == 0 && sc == 0;
    }

    /** Whether SCT/SC equal {@code code}'s, ignoring DNR, More and CRD. */
    public static boolean is(int field, StatusCode code) {
        return (field & 0x7ff) == code.field();
    }

    public boolean is(StatusCode code) {
        return sct == code.sct() && sc == code.sc();
    }

    /** The named status, or {@code null} when SCT/SC has no name here (vendor specific, reserved). */
    public StatusCode code() {
        return StatusCode.of(sct, sc);
    }

    public Status withDnr() {
        return new Status(sct, sc, crd, more, true);
    }

    /** "Invalid Field in Command (SCT 0h, SC 02h, DNR)", the form logs and exceptions use. */
    public static String describe(int field) {
        return fromField(field).toString();
    }

    @Override
    public String toString() {
        StatusCode code = code();
        StringBuilder text = new StringBuilder();
        if (code != null) {
            text.append(code.specName());
        } else {
            StatusCodeType type = StatusCodeType.of(sct);
            text.append(type != null ? type.specName() : "Reserved Status Code Type")
                    .append(" ")
                    .append(String.format("%02Xh", sc));
        }
        text.append(String.format(" (SCT %Xh, SC %02Xh", sct, sc));
        if (dnr) text.append(", DNR");
        if (more) text.append(", More");
        if (crd != 0) text.append(", CRD ").append(crd);
        return text.append(')').toString();
    }
}
