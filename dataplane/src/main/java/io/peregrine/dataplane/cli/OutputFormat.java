package io.peregrine.dataplane.cli;

import java.util.Locale;

/** {@code --output}: aligned text for people, or the API's objects as JSON or YAML for programs. */
public enum OutputFormat {
    TABLE,
    JSON,
    YAML;

    public static OutputFormat parse(String text) throws UsageException {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "table", "text" -> TABLE;
            case "json" -> JSON;
            case "yaml", "yml" -> YAML;
            default -> throw new UsageException("--output '" + text + "': use table, json or yaml, e.g. -o json");
        };
    }
}
