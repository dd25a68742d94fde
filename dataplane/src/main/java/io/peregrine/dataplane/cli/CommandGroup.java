package io.peregrine.dataplane.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A top-level command ({@code volume}) and its subcommands: dispatch, parsing, help, and the one
 * place where failures become a message on stderr and an exit status.
 */
public final class CommandGroup {
    private static final int OPTION_COLUMN = 26;

    private final String name;
    private final String summary;
    private final String notes;
    private final List<Subcommand> subcommands;

    /**
     * @param notes text shown after the list of subcommands (what VOL means, and the like)
     */
    public CommandGroup(String name, String summary, String notes, List<Subcommand> subcommands) {
        this.name = name;
        this.summary = summary;
        this.notes = notes;
        this.subcommands = List.copyOf(subcommands);
    }

    public String name() {
        return name;
    }

    /** One line: what the command is about. */
    public String summary() {
        return summary;
    }

    public List<Subcommand> subcommands() {
        return subcommands;
    }

    /** Runs {@code args} (the words after the command's name); returns the exit status. */
    public int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(usage());
            return ExitStatus.USAGE;
        }
        String first = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        if (first.equals("help") || first.equals("-h") || first.equals("--help")) {
            Subcommand sub = rest.isEmpty() ? null : find(rest.getFirst());
            out.print(sub == null ? usage() : help(sub));
            return ExitStatus.OK;
        }
        Subcommand sub = find(first);
        if (sub == null) {
            err.println(name + ": unknown subcommand '" + first + "'" + suggestion(first));
            err.print(usage());
            return ExitStatus.USAGE;
        }
        String command = name + " " + sub.name();
        if (wantsHelp(rest)) {
            out.print(help(sub));
            return ExitStatus.OK;
        }
        ParsedArgs parsed;
        Output output;
        try {
            List<Option> options = new ArrayList<>(sub.options());
            options.addAll(CommonOptions.ALL);
            parsed = ArgParser.parse(rest, options);
            checkArgCount(sub, parsed);
            String format = parsed.value(CommonOptions.OUTPUT.name());
            output = new Output(format == null ? OutputFormat.TABLE : OutputFormat.parse(format), out);
        } catch (UsageException e) {
            err.println(command + ": " + e.getMessage());
            err.println("usage: ./peregrine " + command + " " + sub.arguments() + "   (--help for more)");
            return ExitStatus.USAGE;
        }
        try (Invocation invocation = new Invocation(command, parsed, env, output, out, err)) {
            return sub.handler().run(invocation);
        } catch (UsageException e) {
            err.println(command + ": " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (CommandFailedException e) {
            err.println(command + ": " + e.getMessage());
            return e.exitStatus();
        }
    }

    private static boolean wantsHelp(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    private static void checkArgCount(Subcommand sub, ParsedArgs parsed) throws UsageException {
        int n = parsed.positionals().size();
        if (n < sub.minArgs()) {
            throw new UsageException(
                    "missing " + String.join(" ", sub.argNames().subList(n, sub.minArgs())));
        }
        if (n > sub.maxArgs()) {
            throw new UsageException("unexpected argument '" + parsed.positional(sub.maxArgs()) + "'"
                    + (sub.maxArgs() == 0
                            ? " (it takes none)"
                            : " (it takes " + String.join(" ", sub.argNames()) + ")"));
        }
    }

    private Subcommand find(String word) {
        for (Subcommand s : subcommands) {
            if (s.name().equals(word)) {
                return s;
            }
        }
        return null;
    }

    private String suggestion(String typed) {
        for (Subcommand s : subcommands) {
            if (ArgParser.distance(typed, s.name()) <= 2) {
                return "; did you mean '" + s.name() + "'?";
            }
        }
        return "";
    }

    /** The command's help: its subcommands, the shared options, exit statuses. */
    public String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: ./peregrine ").append(name).append(" SUBCOMMAND [ARG]... [OPTION]...\n\n");
        sb.append(summary).append("\n\nsubcommands:\n");
        int width = 0;
        for (Subcommand s : subcommands) {
            width = Math.max(width, s.name().length());
        }
        for (Subcommand s : subcommands) {
            sb.append("  ").append(s.name()).repeat(" ", width - s.name().length() + 3);
            sb.append(s.summary()).append('\n');
        }
        sb.append("  help").repeat(" ", Math.max(0, width - 4) + 3).append("this text; 'help SUBCOMMAND' for one\n");
        sb.append('\n');
        if (!notes.isEmpty()) {
            sb.append(notes).append('\n');
        }
        sb.append("Every subcommand takes --help (its options and an example) and -o table|json|yaml.\n");
        sb.append(CommonOptions.CONNECTION_HELP).append('\n');
        sb.append(CommonOptions.EXIT_HELP);
        return sb.toString();
    }

    /** One subcommand's help: synopsis, description, options, examples. */
    public String help(Subcommand sub) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: ./peregrine ")
                .append(name)
                .append(' ')
                .append(sub.name())
                .append(sub.arguments().isEmpty() ? "" : " " + sub.arguments())
                .append("\n\n");
        sb.append(sub.description().strip()).append("\n\n");
        if (!sub.options().isEmpty()) {
            sb.append("options:\n");
            options(sub.options(), sb);
            sb.append('\n');
        }
        sb.append("common options:\n");
        options(CommonOptions.ALL, sb);
        sb.append('\n');
        sb.append(CommonOptions.CONNECTION_HELP).append('\n');
        if (!sub.examples().isEmpty()) {
            sb.append(sub.examples().size() == 1 ? "example:\n" : "examples:\n");
            for (String e : sub.examples()) {
                sb.append("  ").append(e).append('\n');
            }
            sb.append('\n');
        }
        sb.append(CommonOptions.EXIT_HELP);
        return sb.toString();
    }

    private static void options(List<Option> options, StringBuilder sb) {
        for (Option o : options) {
            String synopsis = "  " + o.synopsis() + (o.repeatable() ? "..." : "");
            sb.append(synopsis);
            if (synopsis.length() + 2 > OPTION_COLUMN) {
                sb.append('\n').repeat(" ", OPTION_COLUMN);
            } else {
                sb.repeat(" ", OPTION_COLUMN - synopsis.length());
            }
            sb.append(o.help()).append('\n');
        }
    }
}
