package io.peregrine.dataplane.bdev;

import java.util.Locale;

/**
 * Byte sizes as people write them: {@code 4096}, {@code 64K}, {@code 10G}, {@code 10Gi},
 * {@code 1TiB}. Every unit is binary (K = 1024), as in Kubernetes quantities with an {@code i}
 * and in every storage tool users already know; decimal units are refused rather than guessed.
 */
public final class Sizes {
    private Sizes() {}

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the problem. */
    public static long parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size; write it like 10G, 512M or 4096");
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("size '" + text + "' does not start with a number; write it like 10G");
        }
        long value;
        try {
            value = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large", e);
        }
        String unit = s.substring(i).strip().toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "", "B" -> 0;
            case "K", "KI", "KIB", "KB" -> 10;
            case "M", "MI", "MIB", "MB" -> 20;
            case "G", "GI", "GIB", "GB" -> 30;
            case "T", "TI", "TIB", "TB" -> 40;
            case "P", "PI", "PIB", "PB" -> 50;
            default ->
                throw new IllegalArgumentException("size '" + text + "' has unknown unit '" + s.substring(i)
                        + "'; use K, M, G, T or P (binary: 1K = 1024)");
        };
        if (shift > 0 && value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return value << shift;
    }

    /** {@code 10 GiB}, {@code 4 MiB}, {@code 1.5 GiB}, {@code 512 B}. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " B";
        }
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v)) + " " + units[u];
    }
}
