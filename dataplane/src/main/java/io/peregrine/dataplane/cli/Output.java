package io.peregrine.dataplane.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints a command's result in the chosen {@link OutputFormat}. JSON is the API message in
 * protobuf's canonical JSON mapping (lowerCamelCase names, enums by name, 64-bit integers as
 * strings, every field present even at its default, map keys sorted), so field order follows the
 * .proto and never changes between runs; YAML is that same document in YAML syntax.
 */
public final class Output {
    private static final JsonFormat.Printer JSON =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().sortingMapKeys();

    private final OutputFormat format;
    private final PrintStream out;

    public Output(OutputFormat format, PrintStream out) {
        this.format = format;
        this.out = out;
    }

    public OutputFormat format() {
        return format;
    }

    public boolean table() {
        return format == OutputFormat.TABLE;
    }

    /** Prints {@code message}; {@code table} renders it for people. */
    public void print(MessageOrBuilder message, Supplier<String> table) {
        print(tree(message), table);
    }

    /** Prints a document made of several messages ({@link #document}). */
    public void print(JsonValue document, Supplier<String> table) {
        String text = switch (format) {
            case TABLE -> table.get();
            case JSON -> JsonWriter.write(document);
            case YAML -> YamlWriter.write(document);
        };
        out.print(text.endsWith("\n") ? text : text + "\n");
    }

    /** The canonical JSON of {@code message}, as a tree. */
    public static JsonValue tree(MessageOrBuilder message) {
        try {
            return JsonReader.parse(JSON.print(message));
        } catch (InvalidProtocolBufferException e) {
            // only an Any of an unregistered type fails to print; the API has none
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code {"name1": message1, ...}}, in the order given. */
    public static JsonValue document(Map<String, ? extends MessageOrBuilder> parts) {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        parts.forEach((name, message) -> members.put(name, tree(message)));
        return new JsonValue.Obj(members);
    }
}
