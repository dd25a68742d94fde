package io.peregrine.dataplane.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line grammar of every {@code ./peregrine} daemon command, GNU style: options and
 * positional arguments in any order, {@code --name VALUE} or {@code --name=VALUE}, one-letter
 * aliases ({@code -o json}), {@code --} ending the options. An unknown option names the closest
 * known one.
 */
public final class ArgParser {
    private ArgParser() {}

    public static ParsedArgs parse(List<String> args, List<Option> known) throws UsageException {
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positionals.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            String name;
            String inline = null;
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                inline = eq < 0 ? null : arg.substring(eq + 1);
            } else {
                name = arg.substring(1);
            }
            Option option = find(known, name, arg.startsWith("--"));
            if (option == null) {
                throw new UsageException("unknown option '" + arg + "'" + suggestion(known, name));
            }
            String value = null;
            if (option.takesValue()) {
                if (inline != null) {
                    value = inline;
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(
                            "--" + option.name() + " needs a value: --" + option.name() + " " + option.valueName());
                }
            } else if (inline != null) {
                throw new UsageException("--" + option.name() + " is a flag and takes no value ('" + arg + "')");
            }
            List<String> values = options.computeIfAbsent(option.name(), k -> new ArrayList<>());
            if (!values.isEmpty() && !option.repeatable()) {
                throw new UsageException("--" + option.name() + " was given twice; give it once");
            }
            if (value != null) {
                values.add(value);
            }
        }
        return new ParsedArgs(options, positionals);
    }

    private static Option find(List<Option> known, String name, boolean longForm) {
        for (Option o : known) {
            if (longForm ? o.name().equals(name) : name.equals(o.alias())) {
                return o;
            }
        }
        return null;
    }

    /** "; did you mean --size?" when a known option is within two edits of what was typed. */
    private static String suggestion(List<Option> known, String typed) {
        Option best = null;
        int bestDistance = 3;
        for (Option o : known) {
            int d = distance(typed, o.name());
            if (d < bestDistance) {
                bestDistance = d;
                best = o;
            }
        }
        return best == null ? "" : "; did you mean --" + best.name() + "?";
    }

    /** Levenshtein distance; the strings are option names, a few characters long. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
