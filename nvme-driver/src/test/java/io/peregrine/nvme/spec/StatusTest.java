package io.peregrine.nvme.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusTest {

    @Test
    void fieldBitsFollowTheStatusFieldDefinition() {
        Status s = new Status(0x2, 0x81, 2, true, true);
        int field = s.field();
        assertEquals(0x81, field & 0xff); // SC 7:0
        assertEquals(0x2, (field >>> 8) & 0x7); // SCT 10:8
        assertEquals(2, (field >>> 11) & 0x3); // CRD 12:11
        assertEquals(1, (field >>> 13) & 1); // M 13
        assertEquals(1, (field >>> 14) & 1); // DNR 14
        assertEquals(s, Status.fromField(field));
        assertTrue(Status.dnr(field));
        assertTrue(Status.more(field));
        assertEquals(2, Status.crd(field));
    }

    @Test
    void successIgnoresDnrAndMore() {
        assertTrue(Status.isSuccess(0));
        assertTrue(Status.isSuccess(1 << 14));
        assertFalse(Status.isSuccess(StatusCode.INVALID_FIELD.field()));
        assertTrue(Status.SUCCESS.isSuccess());
        assertTrue(Status.is(StatusCode.INVALID_FIELD.fieldDnr(), StatusCode.INVALID_FIELD));
        assertTrue(StatusCode.INVALID_FIELD.statusDnr().is(StatusCode.INVALID_FIELD));
    }

    @Test
    void namesComeFromTheSpec() {
        assertEquals(
                "Invalid Field in Command (SCT 0h, SC 02h, DNR)",
                StatusCode.INVALID_FIELD.statusDnr().toString());
        assertEquals(
                "Unrecovered Read Error (SCT 2h, SC 81h)", Status.describe(StatusCode.UNRECOVERED_READ_ERROR.field()));
        assertEquals("Vendor Specific C0h (SCT 7h, SC C0h)", new Status(7, 0xC0, 0, false, false).toString());
        assertEquals(
                "Reserved Status Code Type 01h (SCT 5h, SC 01h, More, CRD 1)",
                new Status(5, 1, 1, true, false).toString());
        assertEquals("Command Aborted due to SQ Deletion", StatusCode.ABORTED_SQ_DELETION.specName());
    }

    @Test
    void commandSpecificCodesResolveByContext() {
        assertSame(StatusCode.CONFLICTING_ATTRIBUTES, StatusCode.of(1, 0x80));
        assertSame(StatusCode.CONNECT_INCOMPATIBLE_FORMAT, StatusCode.ofFabrics(1, 0x80));
        assertSame(StatusCode.CONNECT_INVALID_HOST, StatusCode.of(1, 0x84));
        assertSame(StatusCode.INVALID_FIELD, StatusCode.ofFabrics(0, 2));
        assertTrue(StatusCode.CONNECT_INVALID_HOST.fabrics());
        assertNull(StatusCode.of(0, 0x7F));
    }

    @Test
    void everyCodeIsUniqueWithinItsContext() {
        Set<Integer> plain = new HashSet<>();
        Set<Integer> fabrics = new HashSet<>();
        for (StatusCode code : StatusCode.values()) {
            assertTrue((code.fabrics() ? fabrics : plain).add(code.field()), code + " duplicates a value");
            assertTrue(code.sct() <= 7 && code.sc() <= 0xff);
            assertFalse(code.specName().isBlank());
        }
    }

    @Test
    void statusCodeTypes() {
        assertSame(StatusCodeType.MEDIA_AND_DATA_INTEGRITY, StatusCodeType.of(2));
        assertNull(StatusCodeType.of(4));
        assertEquals(7, StatusCodeType.VENDOR_SPECIFIC.value());
    }

    @Test
    void outOfRangePartsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Status(8, 0, 0, false, false));
        assertThrows(IllegalArgumentException.class, () -> new Status(0, 256, 0, false, false));
        assertThrows(IllegalArgumentException.class, () -> new Status(0, 0, 4, false, false));
    }
}
