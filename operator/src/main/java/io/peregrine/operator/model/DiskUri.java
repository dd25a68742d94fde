package io.peregrine.operator.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A disk as a DiskPool names it in {@code spec.disks}, checked before anything is asked of a
 * dataplane. The dataplane has the last word on whether the disk exists and is usable; this
 * class rejects what can never work, with a message that shows a correct example.
 *
 * @param scheme the device kind
 * @param uri the URI as the dataplane receives it (scheme and PCI address in lower case)
 * @param identity what makes two URIs the same disk: scheme and path, without parameters
 */
public record DiskUri(Scheme scheme, String uri, String identity) {

    /** URI schemes a pool can live on, as the dataplane's bdev layer names them. */
    public enum Scheme {
        /** An NVMe controller driven from userspace through VFIO: {@code pcie://0000:00:04.0}. */
        PCIE("pcie", "pcie://0000:00:04.0"),
        /** A kernel block device through io_uring: {@code uring:///dev/sdb}. */
        URING("uring", "uring:///dev/sdb"),
        /** A file, created at {@code size} if absent: {@code file:///var/lib/peregrine/disk.img?size=10G}. */
        FILE("file", "file:///var/lib/peregrine/disk.img?size=10G"),
        /** Memory, lost on restart; for tests and demos: {@code malloc://?size=1G}. */
        MALLOC("malloc", "malloc://?size=1G");

        private final String text;
        private final String example;

        Scheme(String text, String example) {
            this.text = text;
            this.example = example;
        }

        public String text() {
            return text;
        }

        public String example() {
            return example;
        }
    }

    // PCI Express Base 6.0, 7.2.2: segment (4 hex digits), bus (8 bits), device (5 bits), function (3 bits)
    private static final Pattern BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]");
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*([KMGTP]i?)?");

    /**
     * Parses {@code text}.
     *
     * @throws InvalidDiskUriException saying what is wrong and what a correct URI looks like
     */
    public static DiskUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidDiskUriException("a disk URI is empty; " + examples());
        }
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new InvalidDiskUriException("'" + text + "' is not a disk URI (scheme://...); " + examples());
        }
        String schemeText = text.substring(0, sep).toLowerCase(Locale.ROOT);
        Scheme scheme = Arrays.stream(Scheme.values())
                .filter(s -> s.text.equals(schemeText))
                .findFirst()
                .orElseThrow(() -> new InvalidDiskUriException(
                        "'" + text + "' has unknown scheme '" + schemeText + "'; " + examples()));
        String rest = text.substring(sep + 3);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        String size = checkQuery(text, scheme, query);
        return switch (scheme) {
            case PCIE -> {
                String bdf = location.toLowerCase(Locale.ROOT);
                if (!BDF.matcher(bdf).matches() || !query.isEmpty()) {
                    throw invalid(text, scheme, "a PCI address domain:bus:device.function, e.g. 0000:00:04.0");
                }
                String uri = "pcie://" + bdf;
                yield new DiskUri(scheme, uri, uri);
            }
            case URING -> {
                String path = absolutePath(text, scheme, location);
                if (!query.isEmpty()) {
                    throw invalid(text, scheme, "a block device path without parameters");
                }
                String uri = "uring://" + path;
                yield new DiskUri(scheme, uri, uri);
            }
            case FILE -> {
                String path = absolutePath(text, scheme, location);
                String uri = "file://" + path + (query.isEmpty() ? "" : "?" + query);
                yield new DiskUri(scheme, uri, "file://" + path);
            }
            case MALLOC -> {
                if (size == null) {
                    throw invalid(text, scheme, "a size, e.g. ?size=1G");
                }
                String uri = "malloc://" + location + "?" + query;
                // Memory disks have no identity beyond their URI: each one is its own disk.
                yield new DiskUri(scheme, uri, uri);
            }
        };
    }

    private static String checkQuery(String text, Scheme scheme, String query) {
        String size = null;
        if (query.isEmpty()) {
            return null;
        }
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw invalid(text, scheme, "parameters as name=value, e.g. " + scheme.example);
            }
            if (param.substring(0, eq).equals("size")) {
                size = param.substring(eq + 1);
                if (!SIZE.matcher(size).matches()) {
                    throw new InvalidDiskUriException("'" + text + "' has size '" + size
                            + "'; write a positive integer with an optional K, M, G, T or P suffix (Ki, Mi... for"
                            + " powers of two), e.g. size=10G");
                }
            }
        }
        return size;
    }

    private static String absolutePath(String text, Scheme scheme, String location) {
        if (!location.startsWith("/")) {
            throw invalid(text, scheme, "an absolute path after " + scheme.text + "://, e.g. " + scheme.example);
        }
        String normalized = Path.of(location).normalize().toString();
        if (normalized.equals("/")) {
            throw invalid(text, scheme, "a path to a device or file, e.g. " + scheme.example);
        }
        return normalized;
    }

    private static InvalidDiskUriException invalid(String text, Scheme scheme, String expected) {
        return new InvalidDiskUriException("'" + text + "' is not a valid " + scheme.text + " URI: it needs " + expected
                + " (" + scheme.example + ")");
    }

    private static String examples() {
        return "use one of "
                + Arrays.stream(Scheme.values()).map(Scheme::example).collect(Collectors.joining(", "));
    }

    /** A disk URI that can never name a disk. */
    public static final class InvalidDiskUriException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidDiskUriException(String message) {
            super(message);
        }
    }
}
