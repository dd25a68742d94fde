package io.peregrine.dataplane.cli;

/**
 * One command-line option: {@code --size SIZE}, {@code --thick}, {@code -o FORMAT}.
 *
 * @param name the long name without dashes ({@code size})
 * @param alias a one-letter short name without the dash, or null
 * @param valueName what the value is called in help ({@code SIZE}); null for a flag
 * @param repeatable whether it may be given more than once ({@code --host NQN}...)
 * @param help one line for the help text
 */
public record Option(String name, String alias, String valueName, boolean repeatable, String help) {

    public static Option flag(String name, String help) {
        return new Option(name, null, null, false, help);
    }

    public static Option value(String name, String valueName, String help) {
        return new Option(name, null, valueName, false, help);
    }

    public Option withAlias(String shortName) {
        return new Option(name, shortName, valueName, repeatable, help);
    }

    public Option many() {
        return new Option(name, alias, valueName, true, help);
    }

    public boolean takesValue() {
        return valueName != null;
    }

    /** {@code -o, --output FORMAT}, as the help text shows it. */
    public String synopsis() {
        String s = (alias == null ? "" : "-" + alias + ", ") + "--" + name;
        return takesValue() ? s + " " + valueName : s;
    }
}
