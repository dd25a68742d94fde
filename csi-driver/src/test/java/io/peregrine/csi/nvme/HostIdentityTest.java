package io.peregrine.csi.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostIdentityTest {

    @Test
    void generatesAndPersistsAUuidIdentityWhenTheNodeHasNone(@TempDir Path dir) throws Exception {
        HostIdentity first = HostIdentity.load(Optional.empty(), dir.resolve("nvme"));
        assertTrue(first.hostNqn().startsWith("nqn.2014-08.org.nvmexpress:uuid:"));
        assertEquals(first.hostNqn(), "nqn.2014-08.org.nvmexpress:uuid:" + first.hostId());
        assertEquals(
                first.hostNqn(), Files.readString(dir.resolve("nvme/hostnqn")).strip());
        assertEquals(first, HostIdentity.load(Optional.empty(), dir.resolve("nvme")), "stable across restarts");
    }

    @Test
    void keepsWhatTheNodeHasAndDerivesTheHostIdFromAUuidNqn(@TempDir Path dir) throws Exception {
        UUID id = UUID.randomUUID();
        Files.writeString(dir.resolve("hostnqn"), "nqn.2014-08.org.nvmexpress:uuid:" + id + "\n");
        HostIdentity loaded = HostIdentity.load(Optional.empty(), dir);
        assertEquals(id, loaded.hostId());
        assertEquals(id.toString(), Files.readString(dir.resolve("hostid")).strip());
    }

    @Test
    void aFlagWinsAndBadNqnsAreRejected(@TempDir Path dir) {
        HostIdentity flagged = HostIdentity.load(Optional.of("nqn.2026-11.io.example:host-7"), dir);
        assertEquals("nqn.2026-11.io.example:host-7", flagged.hostNqn());
        assertThrows(IllegalArgumentException.class, () -> HostIdentity.load(Optional.of("host-7"), dir));
    }
}
