package io.peregrine.dataplane.cli;

import java.util.List;
import java.util.Map;

/**
 * A parsed command line: the options given (by long name, in the order given) and the
 * positional arguments.
 */
public record ParsedArgs(Map<String, List<String>> options, List<String> positionals) {

    public ParsedArgs {
        options = Map.copyOf(options);
        positionals = List.copyOf(positionals);
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** The value of a single-valued option, or null when it was not given. */
    public String value(String name) {
        List<String> v = options.get(name);
        return v == null ? null : v.getLast();
    }

    /** Every value of a repeatable option, in the order given; empty when none. */
    public List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    public String positional(int index) {
        return positionals.get(index);
    }
}
