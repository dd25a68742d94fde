package io.peregrine.dataplane.bdev;

/** The operations of the block-device interface. */
public enum IoType {
    READ,
    WRITE,
    FLUSH,
    WRITE_ZEROES,
    UNMAP
}
