package io.peregrine.nvmf.buffer;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/**
 * Copies between Netty buffers and memory segments without allocating: a direct buffer with a
 * memory address is read through one process-wide segment over the address space (no view is made
 * per copy); anything else goes through Netty's cached internal NIO view.
 */
public final class Copies {
    /** All of native memory; only ever used at addresses a live ByteBuf vouches for. */
    @SuppressWarnings("restricted")
    private static final MemorySegment NATIVE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private Copies() {}

    /** Copies {@code length} bytes of {@code src} at {@code srcIndex} into {@code dst} at {@code dstOffset}. */
    public static void copy(ByteBuf src, int srcIndex, MemorySegment dst, long dstOffset, int length) {
        if (length == 0) return;
        if (srcIndex < 0 || length < 0 || srcIndex > src.capacity() - length) {
            throw new IndexOutOfBoundsException("source " + srcIndex + "+" + length + " outside " + src.capacity());
        }
        if (src.hasMemoryAddress()) {
            MemorySegment.copy(NATIVE, src.memoryAddress() + srcIndex, dst, dstOffset, length);
        } else if (src.hasArray()) {
            MemorySegment.copy(
                    MemorySegment.ofArray(src.array()), src.arrayOffset() + srcIndex, dst, dstOffset, length);
        } else {
            MemorySegment.copy(
                    MemorySegment.ofBuffer(src.internalNioBuffer(srcIndex, length)), 0, dst, dstOffset, length);
        }
    }

    /** Copies {@code length} bytes of {@code src} at {@code srcOffset} into {@code dst} at {@code dstIndex}. */
    public static void copy(MemorySegment src, long srcOffset, ByteBuf dst, int dstIndex, int length) {
        if (length == 0) return;
        if (dstIndex < 0 || length < 0 || dstIndex > dst.capacity() - length) {
            throw new IndexOutOfBoundsException(
                    "destination " + dstIndex + "+" + length + " outside " + dst.capacity());
        }
        if (dst.hasMemoryAddress()) {
            MemorySegment.copy(src, srcOffset, NATIVE, dst.memoryAddress() + dstIndex, length);
        } else if (dst.hasArray()) {
            MemorySegment.copy(
                    src, srcOffset, MemorySegment.ofArray(dst.array()), dst.arrayOffset() + dstIndex, length);
        } else {
            MemorySegment.copy(
                    src, srcOffset, MemorySegment.ofBuffer(dst.internalNioBuffer(dstIndex, length)), 0, length);
        }
    }

    /** Copies {@code length} bytes between two buffers (direct ones through their addresses). */
    public static void copy(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
        if (length == 0) return;
        if (src.hasMemoryAddress() && dst.hasMemoryAddress()) {
            if (srcIndex < 0 || length < 0 || srcIndex > src.capacity() - length) {
                throw new IndexOutOfBoundsException("source " + srcIndex + "+" + length + " outside " + src.capacity());
            }
            if (dstIndex < 0 || dstIndex > dst.capacity() - length) {
                throw new IndexOutOfBoundsException(
                        "destination " + dstIndex + "+" + length + " outside " + dst.capacity());
            }
            MemorySegment.copy(NATIVE, src.memoryAddress() + srcIndex, NATIVE, dst.memoryAddress() + dstIndex, length);
        } else if (dst instanceof IoBuffer io) {
            copy(src, srcIndex, io.segment(), dstIndex, length);
        } else {
            src.getBytes(srcIndex, dst, dstIndex, length);
        }
    }
}
