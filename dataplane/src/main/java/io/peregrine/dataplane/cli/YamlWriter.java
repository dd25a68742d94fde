package io.peregrine.dataplane.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a {@link JsonValue} tree as block-style YAML that loads back (YAML 1.1 or 1.2) to exactly
 * the same data as the JSON: mappings in the same order, sequence items indented under their key,
 * numbers as written, and any string that a YAML reader could take for something else (a number,
 * a boolean, a date, a string with {@code ": "} in it) double-quoted.
 */
public final class YamlWriter {
    /**
     * Strings left unquoted: they start with a letter, underscore or slash (so never a number,
     * date, sign or YAML indicator) and hold only characters that mean nothing to a plain scalar.
     */
    private static final Pattern PLAIN =
            Pattern.compile("[A-Za-z_/][A-Za-z0-9_./@+=:?&%,~()-]*( [A-Za-z0-9_./@+=:?&%,~()-]+)*");
    /** YAML 1.1 reads these (in any case) as booleans or null. */
    private static final Set<String> RESERVED = Set.of("y", "yes", "n", "no", "true", "false", "on", "off", "null");

    private YamlWriter() {}

    public static String write(JsonValue value) {
        StringBuilder sb = new StringBuilder();
        // (if/else, not a switch with guards: the formatter cannot parse guarded cases)
        if (value instanceof JsonValue.Obj obj && !obj.members().isEmpty()) {
            members(obj, 0, sb);
        } else if (value instanceof JsonValue.Arr arr && !arr.elements().isEmpty()) {
            items(arr, 0, sb);
        } else {
            sb.append(inline(value)).append('\n');
        }
        return sb.toString();
    }

    private static void members(JsonValue.Obj obj, int depth, StringBuilder sb) {
        for (Map.Entry<String, JsonValue> e : obj.members().entrySet()) {
            sb.repeat("  ", depth).append(scalar(e.getKey())).append(':');
            JsonValue v = e.getValue();
            if (v instanceof JsonValue.Obj o && !o.members().isEmpty()) {
                sb.append('\n');
                members(o, depth + 1, sb);
            } else if (v instanceof JsonValue.Arr a && !a.elements().isEmpty()) {
                sb.append('\n');
                items(a, depth + 1, sb);
            } else {
                sb.append(' ').append(inline(v)).append('\n');
            }
        }
    }

    /** Each item starts with "- " in place of the indentation of its first line. */
    private static void items(JsonValue.Arr arr, int depth, StringBuilder sb) {
        for (JsonValue v : arr.elements()) {
            int start = sb.length();
            if (v instanceof JsonValue.Obj o && !o.members().isEmpty()) {
                members(o, depth + 1, sb);
            } else if (v instanceof JsonValue.Arr a && !a.elements().isEmpty()) {
                items(a, depth + 1, sb);
            } else {
                sb.repeat("  ", depth + 1).append(inline(v)).append('\n');
            }
            sb.replace(start + 2 * depth, start + 2 * depth + 2, "- ");
        }
    }

    private static String inline(JsonValue v) {
        return switch (v) {
            case JsonValue.Obj o -> "{}";
            case JsonValue.Arr a -> "[]";
            case JsonValue.Str s -> scalar(s.value());
            case JsonValue.Num n -> n.text();
            case JsonValue.Bool b -> String.valueOf(b.value());
            case JsonValue.Null n -> "null";
        };
    }

    static String scalar(String s) {
        if (PLAIN.matcher(s).matches()
                && !s.contains(": ")
                && !s.endsWith(":")
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (printable(s, i)) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** YAML's c-printable set (YAML 1.2 §5.1); anything else must be escaped. */
    private static boolean printable(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0xfeff || c == 0xfffe || c == 0xffff) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
        return true;
    }
}
