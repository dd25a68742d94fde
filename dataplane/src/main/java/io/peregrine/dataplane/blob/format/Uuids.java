package io.peregrine.dataplane.blob.format;

import java.nio.ByteBuffer;
import java.util.UUID;

/** UUIDs on disk: 16 bytes, most significant half first, each half little-endian. */
final class Uuids {
    private Uuids() {}

    static void put(ByteBuffer b, int at, UUID u) {
        b.putLong(at, u.getMostSignificantBits());
        b.putLong(at + 8, u.getLeastSignificantBits());
    }

    static UUID get(ByteBuffer b, int at) {
        return new UUID(b.getLong(at), b.getLong(at + 8));
    }

    static void put(ByteBuffer b, UUID u) {
        b.putLong(u.getMostSignificantBits());
        b.putLong(u.getLeastSignificantBits());
    }

    static UUID get(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }
}
