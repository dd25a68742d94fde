package io.peregrine.dataplane.blob.format;

/** A run of clusters: logical clusters [logical, logical+length) live at physical [physical, ...). */
public record Extent(int logical, int physical, int length) {
    public static final int BYTES = 12;
}
