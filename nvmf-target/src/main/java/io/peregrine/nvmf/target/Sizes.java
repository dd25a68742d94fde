package io.peregrine.nvmf.target;

import java.util.Locale;

/** Parses human sizes such as {@code 256M}, {@code 1G}, {@code 4096}. */
public final class Sizes {
    private Sizes() {}

    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("IB")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        if (unit != 1) s = s.substring(0, s.length() - 1);
        try {
            long value = Long.parseLong(s);
            if (value <= 0) throw new NumberFormatException();
            return Math.multiplyExact(value, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 4096, 64K, 256M, 1G)");
        }
    }
}
