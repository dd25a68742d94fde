package io.peregrine.dataplane.cli;

import java.util.List;

/**
 * One subcommand ({@code volume create}): its grammar, its help and what it does.
 *
 * @param name the word after the command ({@code create})
 * @param arguments the rest of the synopsis ({@code POOL/NAME --size SIZE [--thick]})
 * @param summary one line for the command's list of subcommands
 * @param description what it does, for its own help
 * @param examples command lines that work, for its help
 * @param options its own options; the shared ones ({@link CommonOptions}) are added
 * @param minArgs fewest positional arguments
 * @param maxArgs most positional arguments
 * @param argNames the positional arguments' names, for "missing" messages
 * @param handler what it does
 */
public record Subcommand(
        String name,
        String arguments,
        String summary,
        String description,
        List<String> examples,
        List<Option> options,
        int minArgs,
        int maxArgs,
        List<String> argNames,
        Handler handler) {

    public Subcommand {
        examples = List.copyOf(examples);
        options = List.copyOf(options);
        argNames = List.copyOf(argNames);
    }

    /** Runs the subcommand; returns its exit status. */
    @FunctionalInterface
    public interface Handler {
        int run(Invocation invocation) throws UsageException;
    }

    /** Starts a subcommand description; {@code argNames} fixes its positional arguments. */
    public static Builder named(String name, String... argNames) {
        return new Builder(name, List.of(argNames));
    }

    /** A small builder: subcommands have many fields and read better named. */
    public static final class Builder {
        private final String name;
        private final List<String> argNames;
        private String arguments = "";
        private String summary = "";
        private String description = "";
        private List<String> examples = List.of();
        private List<Option> options = List.of();
        private int optionalArgs;

        private Builder(String name, List<String> argNames) {
            this.name = name;
            this.argNames = argNames;
        }

        public Builder synopsis(String arguments) {
            this.arguments = arguments;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder examples(String... examples) {
            this.examples = List.of(examples);
            return this;
        }

        public Builder options(Option... options) {
            this.options = List.of(options);
            return this;
        }

        /** The last {@code n} of the positional arguments may be left out. */
        public Builder optionalArgs(int n) {
            this.optionalArgs = n;
            return this;
        }

        public Subcommand handler(Handler handler) {
            return new Subcommand(
                    name,
                    arguments,
                    summary,
                    description,
                    examples,
                    options,
                    argNames.size() - optionalArgs,
                    argNames.size(),
                    argNames,
                    handler);
        }
    }
}
