package io.peregrine.csi.host;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line of /proc/self/mountinfo (proc(5)): what is mounted where, from which device
 * ({@code major:minor}), with which options. {@code root} is the path inside the source
 * filesystem that is mounted: "/" for a plain mount, a subpath for bind mounts of a file or
 * directory (a device node bound from devtmpfs shows as e.g. "/nvme1n1").
 */
public record MountInfo(
        int mountId,
        int parentId,
        String majorMinor,
        String root,
        Path mountPoint,
        Set<String> mountOptions,
        String fsType,
        String source,
        Set<String> superOptions) {

    /** Parses one mountinfo line; octal escapes (\040 for space and friends) are decoded. */
    public static MountInfo parse(String line) {
        String[] fields = line.split(" ");
        int separator = Arrays.asList(fields).indexOf("-");
        if (fields.length < 10 || separator < 6 || fields.length < separator + 4) {
            throw new IllegalArgumentException("not a mountinfo line: " + line);
        }
        return new MountInfo(
                Integer.parseInt(fields[0]),
                Integer.parseInt(fields[1]),
                fields[2],
                unescape(fields[3]),
                Path.of(unescape(fields[4])),
                options(fields[5]),
                fields[separator + 1],
                unescape(fields[separator + 2]),
                options(fields[separator + 3]));
    }

    public boolean readOnly() {
        return mountOptions.contains("ro");
    }

    private static Set<String> options(String field) {
        return Arrays.stream(field.split(",")).collect(Collectors.toUnmodifiableSet());
    }

    static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }

    /** Lines as they appear, for messages. */
    public static String describe(List<MountInfo> mounts) {
        return mounts.stream()
                .map(m -> m.source() + " on " + m.mountPoint() + " type " + m.fsType())
                .collect(Collectors.joining("; "));
    }
}
