package io.peregrine.dataplane.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The daemon commands as one entry point: {@code pool}, {@code volume}, {@code export} and
 * {@code node}, each a {@link CommandGroup}. The launcher runs each group's own main (one row per
 * command); {@link #run} is the seam for tests and tools that want every command in process.
 */
public final class CliMain {
    static final List<CommandGroup> GROUPS =
            List.of(PoolCommand.GROUP, VolumeCommand.GROUP, ExportCommand.GROUP, NodeCommand.GROUP);

    private CliMain() {}

    public static void main(String[] args) {
        System.exit(run(args, Environment.system(), System.out, System.err));
    }

    /**
     * Runs one command line, {@code volume create tank/pvc-1 --size 10G}: the group's name, then
     * its arguments. Never throws for what a user can type or a daemon can answer.
     *
     * @return the exit status: {@link ExitStatus#OK}, {@link ExitStatus#FAILED}, {@link
     *     ExitStatus#USAGE} or {@link ExitStatus#UNREACHABLE}
     */
    public static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        if (args.length == 0 || isHelp(args[0])) {
            (args.length == 0 ? err : out).print(usage());
            return args.length == 0 ? ExitStatus.USAGE : ExitStatus.OK;
        }
        for (CommandGroup g : GROUPS) {
            if (g.name().equals(args[0])) {
                return g.run(Arrays.copyOfRange(args, 1, args.length), env, out, err);
            }
        }
        err.println("unknown command '" + args[0] + "'");
        err.print(usage());
        return ExitStatus.USAGE;
    }

    private static boolean isHelp(String word) {
        return word.equals("help") || word.equals("-h") || word.equals("--help");
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: ./peregrine COMMAND SUBCOMMAND [ARG]... [OPTION]...\n\n");
        for (CommandGroup g : GROUPS) {
            sb.append("  ")
                    .append(g.name())
                    .repeat(" ", 8 - g.name().length())
                    .append(g.summary())
                    .append('\n');
        }
        sb.append("\n./peregrine COMMAND --help lists a command's subcommands.\n");
        return sb.toString();
    }
}
