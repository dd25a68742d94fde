package io.peregrine.operator.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Byte counts for people, in the binary units Kubernetes quantities use (Ki, Mi, Gi, Ti, Pi). */
public final class Bytes {

    private static final String[] UNITS = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Bytes() {}

    /** 0 → "0", 1536 → "1.5Ki", 1000204886016 → "931.5Gi": at most one decimal, trailing ".0" dropped. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return Long.toString(bytes);
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        BigDecimal value = BigDecimal.valueOf(bytes)
                .divide(BigDecimal.valueOf(1L << (10 * unit)), 1, RoundingMode.DOWN)
                .stripTrailingZeros();
        return value.toPlainString() + UNITS[unit];
    }

    /** An exact Kubernetes quantity: "2Gi", "128Mi", "1536Ki", or plain bytes when no binary unit divides. */
    public static String quantity(long bytes) {
        int unit = 0;
        long value = bytes;
        while (value != 0 && value % 1024 == 0 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return value + UNITS[unit];
    }
}
