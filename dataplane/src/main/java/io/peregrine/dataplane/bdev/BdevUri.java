package io.peregrine.dataplane.bdev;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Parses device URIs. Every error names the URI, says what was wrong and shows a good example,
 * because these strings are typed by people into Helm values and CLI flags.
 *
 * <pre>
 *   pcie://0000:00:05.0[?ns=1]        NVMe controller by PCI address (domain:bus:device.function)
 *   uring:///dev/sdb                  block device through io_uring, O_DIRECT
 *   uring:///path/file[?size=10G]     regular file through io_uring, O_DIRECT
 *   file:///path/file[?size=10G]      regular file (created sparse with size when missing)
 *   emu://?size=1G                    the NVMe driver's software controller (development, tests;
 *                                     its options are the driver's: null, block, mdts, ...)
 *   malloc://?size=1G[&amp;bs=4096]       process memory
 *   null://?size=1T[&amp;bs=4096]         discards writes
 * </pre>
 */
public final class BdevUri {
    private static final Pattern BDF = Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    private static final String EX_PCIE = "pcie://0000:00:05.0";
    private static final String EX_URING = "uring:///dev/sdb";
    private static final String EX_FILE = "file:///var/lib/peregrine/disk.img?size=10G";
    private static final String EX_MALLOC = "malloc://?size=1G";
    private static final String EX_NULL = "null://?size=1T";

    private BdevUri() {}

    public static BdevSpec parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidBdevUriException(String.valueOf(uri), "empty", EX_FILE);
        }
        int sep = uri.indexOf("://");
        if (sep <= 0) {
            throw new InvalidBdevUriException(
                    uri,
                    "no scheme; a device URI starts with pcie://, uring://, file://, malloc://, null:// or emu://",
                    EX_FILE);
        }
        String scheme = uri.substring(0, sep);
        if (scheme.equals("emu")) {
            // the driver's model has its own options (null, block, queues, ...): it parses them
            try {
                io.peregrine.nvme.DeviceUri.parse(uri);
            } catch (IllegalArgumentException e) {
                throw new InvalidBdevUriException(uri, e.getMessage(), "emu://?size=1G");
            }
            return new BdevSpec.Emu(uri);
        }
        String rest = uri.substring(sep + 3);
        int q = rest.indexOf('?');
        String where = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = query(uri, q < 0 ? "" : rest.substring(q + 1));
        return switch (scheme) {
            case "pcie" -> pcie(uri, where, params);
            case "uring" -> {
                Path path = path(uri, where, EX_URING);
                known(uri, params, EX_URING, "size");
                yield new BdevSpec.Uring(path, optionalSize(uri, params, EX_URING));
            }
            case "file" -> {
                Path path = path(uri, where, EX_FILE);
                known(uri, params, EX_FILE, "size");
                yield new BdevSpec.File(path, optionalSize(uri, params, EX_FILE));
            }
            case "malloc" -> {
                noPath(uri, where, EX_MALLOC);
                known(uri, params, EX_MALLOC, "size", "bs");
                int bs = blockSize(uri, params, EX_MALLOC);
                yield new BdevSpec.Malloc(requiredSize(uri, params, EX_MALLOC, bs), bs);
            }
            case "null" -> {
                noPath(uri, where, EX_NULL);
                known(uri, params, EX_NULL, "size", "bs");
                int bs = blockSize(uri, params, EX_NULL);
                yield new BdevSpec.Null(requiredSize(uri, params, EX_NULL, bs), bs);
            }
            default ->
                throw new InvalidBdevUriException(
                        uri,
                        "unknown scheme '" + scheme + "'; use pcie, uring, file, malloc, null or emu",
                        scheme.equals("nvme") ? EX_PCIE : EX_FILE);
        };
    }

    private static BdevSpec pcie(String uri, String where, Map<String, String> params) {
        if (!BDF.matcher(where).matches()) {
            throw new InvalidBdevUriException(
                    uri,
                    "'" + where + "' is not a PCI address; write domain:bus:device.function as lspci -D prints it",
                    EX_PCIE);
        }
        known(uri, params, EX_PCIE, "ns");
        int nsid = 1;
        if (params.containsKey("ns")) {
            try {
                nsid = Integer.parseInt(params.get("ns"));
            } catch (NumberFormatException e) {
                nsid = 0;
            }
            if (nsid < 1) {
                throw new InvalidBdevUriException(
                        uri, "ns=" + params.get("ns") + " is not a namespace ID (1 or more)", EX_PCIE + "?ns=1");
            }
        }
        return new BdevSpec.Pcie(where.toLowerCase(java.util.Locale.ROOT), nsid);
    }

    private static Path path(String uri, String where, String example) {
        String p = decode(uri, where, example);
        if (!p.startsWith("/")) {
            throw new InvalidBdevUriException(
                    uri,
                    "the path must be absolute: three slashes after the scheme"
                            + (p.isEmpty() ? "" : ", as in " + uri.substring(0, uri.indexOf("://")) + ":///" + p),
                    example);
        }
        if (p.endsWith("/")) {
            throw new InvalidBdevUriException(uri, "the path names a directory, not a file or device", example);
        }
        return Path.of(p).normalize();
    }

    private static void noPath(String uri, String where, String example) {
        if (!where.isEmpty()) {
            throw new InvalidBdevUriException(
                    uri, "this scheme takes no path or host ('" + where + "'); give only ?size=", example);
        }
    }

    private static Map<String, String> query(String uri, String q) {
        Map<String, String> m = new LinkedHashMap<>();
        if (q.isEmpty()) {
            return m;
        }
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new InvalidBdevUriException(
                        uri, "query part '" + kv + "' is not key=value", "malloc://?size=1G&bs=4096");
            }
            String k = kv.substring(0, eq);
            if (m.put(k, kv.substring(eq + 1)) != null) {
                throw new InvalidBdevUriException(uri, "'" + k + "' is given twice", EX_FILE);
            }
        }
        return m;
    }

    private static void known(String uri, Map<String, String> params, String example, String... allowed) {
        for (String k : params.keySet()) {
            if (!java.util.List.of(allowed).contains(k)) {
                throw new InvalidBdevUriException(
                        uri,
                        "unknown parameter '" + k + "'"
                                + (allowed.length == 0 ? "" : "; this scheme takes " + String.join(", ", allowed)),
                        example);
            }
        }
    }

    private static OptionalLong optionalSize(String uri, Map<String, String> params, String example) {
        if (!params.containsKey("size")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(size(uri, params.get("size"), example, 512));
    }

    private static long requiredSize(String uri, Map<String, String> params, String example, int bs) {
        if (!params.containsKey("size")) {
            throw new InvalidBdevUriException(uri, "size is missing", example);
        }
        return size(uri, params.get("size"), example, bs);
    }

    private static long size(String uri, String text, String example, int bs) {
        long size;
        try {
            size = Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidBdevUriException(uri, e.getMessage(), example);
        }
        if (size <= 0) {
            throw new InvalidBdevUriException(uri, "size must be greater than zero", example);
        }
        if (size % bs != 0) {
            throw new InvalidBdevUriException(
                    uri, "size " + size + " is not a multiple of the " + bs + "-byte block size", example);
        }
        return size;
    }

    private static int blockSize(String uri, Map<String, String> params, String example) {
        String v = params.get("bs");
        if (v == null) {
            return 512;
        }
        int bs;
        try {
            bs = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            bs = -1;
        }
        if (bs != 512 && bs != 4096) {
            throw new InvalidBdevUriException(uri, "block size bs=" + v + " must be 512 or 4096", example + "&bs=4096");
        }
        return bs;
    }

    /** Percent-decoding, so paths with spaces can be written as %20. */
    private static String decode(String uri, String s, String example) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new InvalidBdevUriException(uri, "incomplete %-escape at the end of the path", example);
                }
                try {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    throw new InvalidBdevUriException(
                            uri, "'%" + s.substring(i + 1, i + 3) + "' is not a %-escape", example);
                }
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
