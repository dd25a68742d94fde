package io.peregrine.dataplane.cli;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a {@link JsonValue} tree as indented JSON: two spaces per level, one member or element
 * per line, {@code "name": value}. Non-ASCII characters are kept; control characters, quotes and
 * backslashes are escaped.
 */
public final class JsonWriter {
    private JsonWriter() {}

    public static String write(JsonValue value) {
        StringBuilder sb = new StringBuilder();
        write(value, 0, sb);
        return sb.append('\n').toString();
    }

    private static void write(JsonValue value, int depth, StringBuilder sb) {
        switch (value) {
            case JsonValue.Obj obj -> {
                if (obj.members().isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                Iterator<Map.Entry<String, JsonValue>> it =
                        obj.members().entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonValue> e = it.next();
                    indent(depth + 1, sb);
                    quote(e.getKey(), sb);
                    sb.append(": ");
                    write(e.getValue(), depth + 1, sb);
                    sb.append(it.hasNext() ? ",\n" : "\n");
                }
                indent(depth, sb);
                sb.append('}');
            }
            case JsonValue.Arr arr -> {
                if (arr.elements().isEmpty()) {
                    sb.append("[]");
                    return;
                }
                sb.append("[\n");
                for (int i = 0; i < arr.elements().size(); i++) {
                    indent(depth + 1, sb);
                    write(arr.elements().get(i), depth + 1, sb);
                    sb.append(i + 1 < arr.elements().size() ? ",\n" : "\n");
                }
                indent(depth, sb);
                sb.append(']');
            }
            case JsonValue.Str str -> quote(str.value(), sb);
            case JsonValue.Num num -> sb.append(num.text());
            case JsonValue.Bool bool -> sb.append(bool.value());
            case JsonValue.Null n -> sb.append("null");
        }
    }

    private static void indent(int depth, StringBuilder sb) {
        sb.repeat("  ", depth);
    }

    static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
