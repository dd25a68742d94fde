package io.peregrine.csi.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VolumeHandleTest {

    @Test
    void roundTripsAndNamesTheSubsystem() {
        UUID uuid = UUID.fromString("2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21");
        VolumeHandle handle = new VolumeHandle("worker-1.example", uuid);
        assertEquals("worker-1.example/2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21", handle.toString());
        assertEquals(Optional.of(handle), VolumeHandle.tryParse(handle.toString()));
        assertEquals("nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21", handle.subsystemNqn());
        assertTrue(handle.toString().length() <= 128, "the spec's string limit");
    }

    @Test
    void idsItNeverIssuedParseToNothing() {
        for (String id : new String[] {
            "",
            "reallyfakevolumeid",
            "node/",
            "/2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21",
            "node/not-a-uuid",
            "node/2B1F6C1E-8A54-4C1B-9D0E-5F0A8C3E7D21",
            "-bad-/2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21"
        }) {
            assertEquals(Optional.empty(), VolumeHandle.tryParse(id), id);
        }
        assertThrows(IllegalArgumentException.class, () -> new VolumeHandle("a b", UUID.randomUUID()));
        assertThrows(IllegalArgumentException.class, () -> new VolumeHandle("x".repeat(92), UUID.randomUUID()));
    }
}
