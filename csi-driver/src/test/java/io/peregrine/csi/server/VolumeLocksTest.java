package io.peregrine.csi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class VolumeLocksTest {

    @Test
    void aHeldKeyRefusesASecondClaimWithAbortedUntilReleased() {
        VolumeLocks locks = new VolumeLocks();
        try (VolumeLocks.Held _ = locks.acquire("vol-1", "NodeStageVolume")) {
            assertTrue(locks.isHeld("vol-1"));
            StatusRuntimeException e =
                    assertThrows(StatusRuntimeException.class, () -> locks.acquire("vol-1", "NodeUnstageVolume"));
            assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
            try (VolumeLocks.Held _ = locks.acquire("vol-2", "NodeStageVolume")) {
                assertTrue(locks.isHeld("vol-2"), "other volumes are independent");
            }
        }
        assertFalse(locks.isHeld("vol-1"));
        locks.acquire("vol-1", "again").close();
    }
}
