package io.peregrine.dataplane.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One object described for people: {@code Label:  value} lines with the values aligned, a value
 * of several lines continuing under the first, and indented sub-blocks (the checks of a health
 * report, the hosts of an export).
 */
public final class Details {
    private record Line(String label, String value) {}

    private final List<Line> lines = new ArrayList<>();

    public Details add(String label, String value) {
        lines.add(new Line(label, value));
        return this;
    }

    /** Adds the lines of {@code values} under one label; "-" when there are none. */
    public Details addAll(String label, List<String> values) {
        return add(label, values.isEmpty() ? "-" : String.join("\n", values));
    }

    public String render() {
        int width = 0;
        for (Line l : lines) {
            width = Math.max(width, l.label().length() + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (Line l : lines) {
            String[] values = l.value().split("\n", -1);
            sb.append(l.label()).append(':').repeat(" ", width - l.label().length() - 1 + 2);
            sb.append(values[0]).append('\n');
            for (int i = 1; i < values.length; i++) {
                sb.repeat(" ", width + 2).append(values[i]).append('\n');
            }
        }
        return sb.toString();
    }
}
