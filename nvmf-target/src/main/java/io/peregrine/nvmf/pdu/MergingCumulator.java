package io.peregrine.nvmf.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.peregrine.nvmf.buffer.Copies;

/**
 * Netty's merge cumulator, with the byte moves done through {@link Copies}: without
 * {@code sun.misc.Unsafe} (JDK 24+ default) Netty copies between direct buffers through freshly
 * made NIO views, one or two objects per read that ends in the middle of a PDU -- most reads at
 * queue depth. When the cumulation runs out of room, only its unread bytes move to the new
 * buffer, so consumed bytes are dropped without Netty's separate discard pass.
 */
final class MergingCumulator implements ByteToMessageDecoder.Cumulator {
    static final MergingCumulator INSTANCE = new MergingCumulator();

    private MergingCumulator() {}

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        try {
            if (cumulation == in) {
                return cumulation; // retained twice by the caller: the release below drops one
            }
            int required = in.readableBytes();
            if (!cumulation.isReadable() && in.isContiguous()) {
                cumulation.release();
                return in.retain();
            }
            if (required <= cumulation.writableBytes() && cumulation.refCnt() == 1 && !cumulation.isReadOnly()) {
                Copies.copy(in, in.readerIndex(), cumulation, cumulation.writerIndex(), required);
                cumulation.writerIndex(cumulation.writerIndex() + required);
                in.readerIndex(in.writerIndex());
                return cumulation;
            }
            int readable = cumulation.readableBytes();
            int capacity = Math.max(readable + required, Math.min(2 * cumulation.capacity(), readable + 2 * required));
            ByteBuf grown = alloc.directBuffer(capacity);
            Copies.copy(cumulation, cumulation.readerIndex(), grown, 0, readable);
            Copies.copy(in, in.readerIndex(), grown, readable, required);
            grown.writerIndex(readable + required);
            in.readerIndex(in.writerIndex());
            cumulation.release();
            return grown;
        } finally {
            in.release();
        }
    }
}
