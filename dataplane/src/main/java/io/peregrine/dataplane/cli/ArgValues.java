package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.bdev.Sizes;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values typed on the command line, checked before anything is sent: each failure names the
 * option, what was typed, what is wrong and a form that works.
 */
public final class ArgValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern FRACTION = Pattern.compile("\\d*\\.\\d+\\s*([A-Za-z]*)");

    private ArgValues() {}

    /**
     * A byte size: {@code 512M}, {@code 10G}, {@code 1T} or plain bytes; units are binary (1K =
     * 1024). Zero is refused: no size the daemon takes can be zero.
     */
    public static long size(String what, String text) throws UsageException {
        Matcher fraction = FRACTION.matcher(text.strip());
        if (fraction.matches()) {
            throw new UsageException(what + " '" + text + "': fractions are not accepted; use a smaller unit, e.g."
                    + " 1536M instead of 1.5G");
        }
        long bytes;
        try {
            bytes = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + " '" + text + "': " + e.getMessage(), e);
        }
        if (bytes == 0) {
            throw new UsageException(what + " must be more than 0, e.g. 10G");
        }
        return bytes;
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 500ms}; a plain number is seconds. */
    public static Duration duration(String what, String text) throws UsageException {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException(what + " '" + text + "' is not a duration; write it like 30s, 5m or 1h");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new UsageException(what + " '" + text + "' is too large", e);
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(Math.min(n, Long.MAX_VALUE / 60_000_000_000L));
            case "h" -> Duration.ofHours(Math.min(n, Long.MAX_VALUE / 3_600_000_000_000L));
            default -> Duration.ofSeconds(Math.min(n, Long.MAX_VALUE / 1_000_000_000L));
        };
        if (d.isZero()) {
            throw new UsageException(what + " must be more than 0, e.g. 30s");
        }
        return d;
    }

    /** A positive count such as a page size. */
    public static int positiveInt(String what, String text) throws UsageException {
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below, which says what a good value looks like
        }
        throw new UsageException(what + " '" + text + "' is not a positive whole number, e.g. 100");
    }

    /** {@code KEY=VALUE}; the key must not be empty, the value may be. */
    public static Map.Entry<String, String> keyValue(String what, String text) throws UsageException {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new UsageException(what + " '" + text + "' is not KEY=VALUE, e.g. " + what + " team=payments");
        }
        return Map.entry(text.substring(0, eq), text.substring(eq + 1));
    }
}
