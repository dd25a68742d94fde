package io.peregrine.nvme.emu;

import io.peregrine.nvme.spec.IdentifyNamespace;
import io.peregrine.nvme.spec.LbaFormat;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.UUID;

/** One namespace of the model: its storage, its block size, and its Identify data built once. */
final class EmuNamespace {

    final int nsid;
    final EmuBackend backend;
    final int blockSize;
    final int blockShift;
    final long blocks;
    final MemorySegment identify = MemorySegment.ofArray(new byte[4096]);
    final MemorySegment descriptors = MemorySegment.ofArray(new byte[4096]);

    EmuNamespace(int nsid, EmuBackend backend, int blockSize, String serial) {
        if (backend.size() < blockSize) {
            throw new IllegalArgumentException(
                    "namespace " + nsid + " is smaller than one " + blockSize + "-byte block");
        }
        this.nsid = nsid;
        this.backend = backend;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blocks = backend.size() / blockSize;

        IdentifyNamespace.NSZE.set(identify, blocks);
        IdentifyNamespace.NCAP.set(identify, blocks);
        IdentifyNamespace.NUSE.set(identify, blocks);
        IdentifyNamespace.NSFEAT.set(identify, backend instanceof EmuBackend.Null ? 0 : 1); // thin: pages on write
        IdentifyNamespace.NLBAF.set(identify, 0);
        IdentifyNamespace.FLBAS.set(identify, 0);
        IdentifyNamespace.DLFEAT.set(
                identify, IdentifyNamespace.DLFEAT_READ_ZEROES | IdentifyNamespace.DLFEAT_WRITE_ZEROES_DEALLOCATES);
        IdentifyNamespace.lbaFormat(identify, 0, LbaFormat.ofBlockSize(blockSize));
        IdentifyNamespace.NVMCAP.set(identify, backend.size());

        byte[] nguid = new byte[16];
        UUID uuid = UUID.nameUUIDFromBytes((serial + "/" + nsid).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 8; i++) {
            nguid[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
            nguid[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
        }
        byte[] eui64 = java.util.Arrays.copyOf(nguid, 8);
        IdentifyNamespace.NGUID.set(identify, nguid);
        IdentifyNamespace.EUI64.set(identify, eui64);
        NamespaceIdDescriptor.writeList(
                descriptors,
                List.of(
                        NamespaceIdDescriptor.eui64(eui64),
                        NamespaceIdDescriptor.nguid(nguid),
                        NamespaceIdDescriptor.uuid(uuid),
                        NamespaceIdDescriptor.csi(0)));
    }

    boolean inRange(long slba, long count) {
        return slba >= 0 && count >= 0 && slba <= blocks && count <= blocks - slba;
    }
}
