package io.peregrine.dataplane.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows under upper-case headers, columns three spaces apart, each as wide as its widest cell;
 * text columns aligned left, figures right. Trailing spaces are trimmed.
 */
public final class Table {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> right = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public Table left(String header) {
        headers.add(header);
        right.add(false);
        return this;
    }

    public Table right(String header) {
        headers.add(header);
        right.add(true);
        return this;
    }

    public Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] width = new int[headers.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = headers.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(headers, width, sb);
        for (List<String> row : rows) {
            line(row, width, sb);
        }
        return sb.toString();
    }

    private void line(List<String> cells, int[] width, StringBuilder sb) {
        int start = sb.length();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            int pad = width[c] - cell.length();
            if (right.get(c)) {
                sb.repeat(" ", pad).append(cell);
            } else {
                sb.append(cell).repeat(" ", pad);
            }
            if (c + 1 < cells.size()) {
                sb.append("   ");
            }
        }
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }
}
