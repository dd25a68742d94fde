package io.peregrine.nvme.tool;

import java.util.HexFormat;

/** Human-readable sizes and identifiers. */
final class Units {

    private Units() {}

    /** 1.5 GiB, 512 KiB, 4096 B. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) return n + " B";
        return (value == Math.rint(value) ? String.format("%d", (long) value) : String.format("%.2f", value)) + " "
                + units[unit];
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static boolean allZero(byte[] bytes) {
        for (byte b : bytes) if (b != 0) return false;
        return true;
    }
}
