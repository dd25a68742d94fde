package io.peregrine.dataplane.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON (RFC 8259) into a {@link JsonValue} tree. It reads what protobuf's {@code JsonFormat}
 * prints, so that YAML can be written from exactly that; malformed input is refused with the
 * offset of the problem.
 */
public final class JsonReader {
    private final String text;
    private int pos;

    private JsonReader(String text) {
        this.text = text;
    }

    public static JsonValue parse(String text) {
        JsonReader r = new JsonReader(text);
        JsonValue v = r.value();
        r.skipWhitespace();
        if (r.pos != text.length()) {
            throw r.error("text after the end of the document");
        }
        return v;
    }

    private JsonValue value() {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("the document ends where a value was expected");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new JsonValue.Str(string());
            case 't' -> literal("true", new JsonValue.Bool(true));
            case 'f' -> literal("false", new JsonValue.Bool(false));
            case 'n' -> literal("null", JsonValue.Null.NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private JsonValue object() {
        pos++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return new JsonValue.Obj(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("a member name was expected");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            if (members.put(name, value()) != null) {
                throw error("member \"" + name + "\" appears twice");
            }
            skipWhitespace();
            char c = next();
            if (c == '}') {
                return new JsonValue.Obj(members);
            }
            if (c != ',') {
                throw error("',' or '}' was expected");
            }
        }
    }

    private JsonValue array() {
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return new JsonValue.Arr(elements);
        }
        while (true) {
            elements.add(value());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return new JsonValue.Arr(elements);
            }
            if (c != ',') {
                throw error("',' or ']' was expected");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("a cut-off \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("a bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("a bad escape '\\" + e + "'");
            }
        }
    }

    private JsonValue number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        digits();
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        return new JsonValue.Num(text.substring(start, pos));
    }

    private void digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("a digit was expected");
        }
    }

    private JsonValue literal(String word, JsonValue value) {
        if (!text.startsWith(word, pos)) {
            throw error("'" + word + "' was expected");
        }
        pos += word.length();
        return value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw error("the document ends too early");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("'" + c + "' was expected");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("malformed JSON at offset " + pos + ": " + what);
    }
}
