package io.peregrine.dataplane.cli;

import com.google.protobuf.Timestamp;
import io.peregrine.dataplane.bdev.Sizes;
import java.time.Instant;
import java.util.Locale;

/** Figures as the tables show them: sizes in binary units, times in UTC, durations short. */
public final class Human {
    private Human() {}

    /** {@code 10 GiB}, {@code 1.5 TiB}, {@code 0 B}. */
    public static String size(long bytes) {
        return Sizes.format(bytes);
    }

    /** {@code 10 GiB (10737418240 bytes)}: the exact figure beside the readable one. */
    public static String sizeExact(long bytes) {
        return bytes < 1024 ? bytes + " B" : Sizes.format(bytes) + " (" + bytes + " bytes)";
    }

    /** {@code 42%}, {@code 0.3%}; "-" when there is no whole. */
    public static String percent(long part, long whole) {
        if (whole <= 0) {
            return "-";
        }
        double p = 100.0 * part / whole;
        return p >= 10 || p == 0 ? Math.round(p) + "%" : String.format(Locale.ROOT, "%.1f%%", p);
    }

    /** {@code 2026-11-20T10:11:12Z}; "-" when the timestamp is not set. */
    public static String instant(Timestamp t) {
        if (t.getSeconds() == 0 && t.getNanos() == 0) {
            return "-";
        }
        return Instant.ofEpochSecond(t.getSeconds()).toString();
    }

    /** {@code 850ns}, {@code 40us}, {@code 12ms}, {@code 3.2s}, {@code 4m10s}, {@code 2h05m}, {@code 3d04h}. */
    public static String duration(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return nanos / 1_000 + "us";
        }
        if (nanos < 1_000_000_000) {
            return nanos / 1_000_000 + "ms";
        }
        long s = nanos / 1_000_000_000;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format(Locale.ROOT, "%02ds", s % 60);
        }
        if (s < 86400) {
            return s / 3600 + "h" + String.format(Locale.ROOT, "%02dm", s % 3600 / 60);
        }
        return s / 86400 + "d" + String.format(Locale.ROOT, "%02dh", s % 86400 / 3600);
    }

    /** An API enum value as a table word: {@code SNAPSHOT} → {@code snapshot}. */
    public static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** "-" for an empty cell. */
    public static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
