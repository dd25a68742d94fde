package io.peregrine.dataplane.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as a tree, in the order it was written: what {@code --output json} prints and
 * what {@code --output yaml} is written from, so the two always carry the same data.
 */
public sealed interface JsonValue {

    record Obj(Map<String, JsonValue> members) implements JsonValue {
        public Obj {
            members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }
    }

    record Arr(List<JsonValue> elements) implements JsonValue {
        public Arr {
            elements = List.copyOf(elements);
        }
    }

    record Str(String value) implements JsonValue {}

    /** A number exactly as written: JSON numbers are text, and must not round-trip through a double. */
    record Num(String text) implements JsonValue {}

    record Bool(boolean value) implements JsonValue {}

    enum Null implements JsonValue {
        NULL
    }
}
