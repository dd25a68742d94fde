package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A growable little-endian byte buffer for encoding metadata. */
public final class ByteSink {
    private byte[] bytes;
    private ByteBuffer view;
    private int size;

    public ByteSink(int initial) {
        bytes = new byte[Math.max(16, initial)];
        view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    public ByteSink putShort(int v) {
        ensure(2);
        view.putShort(size, (short) v);
        size += 2;
        return this;
    }

    public ByteSink putInt(int v) {
        ensure(4);
        view.putInt(size, v);
        size += 4;
        return this;
    }

    public ByteSink putLong(long v) {
        ensure(8);
        view.putLong(size, v);
        size += 8;
        return this;
    }

    public ByteSink put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** Overwrites an int already written at {@code at}. */
    public void putIntAt(int at, int v) {
        view.putInt(at, v);
    }

    public int size() {
        return size;
    }

    /** The backing array; valid bytes are [0, size). */
    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void clear() {
        size = 0;
    }
}
