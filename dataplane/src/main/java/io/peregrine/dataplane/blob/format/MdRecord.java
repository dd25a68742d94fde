package io.peregrine.dataplane.blob.format;

import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

/**
 * One metadata transaction in the log (FORMAT.md §6). Records are logical: replay performs the
 * same deterministic change on the in-memory state that the live operation did, and every choice
 * (ids, UUIDs, cluster numbers) is written into the record, so replay never has to choose.
 */
public sealed interface MdRecord {
    /** The type code on disk. */
    int type();

    /** A new blob, with its clusters if it is thick. */
    record CreateBlob(BlobImage image) implements MdRecord {
        public int type() {
            return 1;
        }
    }

    /** Cluster {@code physical} now holds {@code logical} of {@code blob} (first write, copy-on-write). */
    record Alloc(long blob, int logical, int physical) implements MdRecord {
        public int type() {
            return 2;
        }
    }

    /** {@code blob} gave up its cluster for {@code logical} (unmap of a whole cluster). */
    record Free(long blob, int logical) implements MdRecord {
        public int type() {
            return 3;
        }
    }

    /** {@code blob} grew to {@code sizeClusters}; a thick blob also gained {@code added}. */
    record Resize(long blob, long sizeClusters, List<Extent> added) implements MdRecord {
        public Resize {
            added = List.copyOf(added);
        }

        public int type() {
            return 4;
        }
    }

    /**
     * Snapshot {@code snapshot} takes over every cluster and the parent of {@code source}, and
     * becomes the parent of {@code source}, which keeps its id, UUID and attributes.
     */
    record Snapshot(long source, long snapshot, UUID uuid, SortedMap<String, byte[]> xattrs) implements MdRecord {
        public int type() {
            return 5;
        }
    }

    /**
     * A thin, writable child of {@code snapshot} with no clusters, of {@code sizeClusters} (at
     * least the snapshot's).
     */
    record Clone(long snapshot, long cloneId, UUID uuid, long sizeClusters, SortedMap<String, byte[]> xattrs)
            implements MdRecord {
        public int type() {
            return 6;
        }
    }

    /** {@code blob} and its clusters are gone. */
    record Delete(long blob) implements MdRecord {
        public int type() {
            return 7;
        }
    }

    /**
     * Snapshot {@code snapshot}, whose only child is {@code child}, goes away: the child takes the
     * clusters it does not have itself and the snapshot's parent; the rest are freed.
     */
    record Merge(long snapshot, long child) implements MdRecord {
        public int type() {
            return 8;
        }
    }

    /** {@code blob} now reads through to {@code parent} (0: to nothing, after a decouple). */
    record SetParent(long blob, long parent) implements MdRecord {
        public int type() {
            return 9;
        }
    }

    /** Sets ({@code value} non-null) or removes an extended attribute. */
    record SetXattr(long blob, String key, byte[] value) implements MdRecord {
        public int type() {
            return 10;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SetXattr s && s.blob == blob && s.key.equals(key) && Arrays.equals(s.value, value);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(blob) * 31 + key.hashCode();
        }

        @Override
        public String toString() {
            return "SetXattr[blob=" + blob + ", key=" + key + ", "
                    + (value == null ? "removed" : value.length + " bytes") + "]";
        }
    }

    /** Every cluster at or above {@code hwm} has never been written since the pool was created. */
    record HighWaterMark(long hwm) implements MdRecord {
        public int type() {
            return 11;
        }
    }
}
