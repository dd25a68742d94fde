package io.peregrine.csi.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.volume.FsType;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamesAndTokensTest {

    @Test
    void dataplaneNamesAreReadableWhenTheyFitAndHashedOtherwise() {
        assertEquals("v-pvc-2b1f6c1e", DataplaneNames.volume("pvc-2b1f6c1e"));
        assertEquals("s-pvc-2b1f6c1e", DataplaneNames.snapshot("pvc-2b1f6c1e"));
        String unicode = DataplaneNames.volume("böse name/with spaces");
        assertTrue(unicode.matches("v-h-[0-9a-f]{40}"), unicode);
        assertEquals(unicode, DataplaneNames.volume("böse name/with spaces"), "deterministic");
        assertTrue(DataplaneNames.volume("x".repeat(128)).length() <= 63);
        assertNotEquals(DataplaneNames.cloneSource("a"), DataplaneNames.cloneSource("b"));
    }

    @Test
    void pageTokensRoundTripAndForeignOnesAreAborted() {
        PageToken token = new PageToken("volumes", "node-a", "after:42");
        assertEquals(Optional.of(token), PageToken.decode(token.encode(), "volumes"));
        assertEquals(Optional.empty(), PageToken.decode("", "volumes"));
        for (String bad : new String[] {"!!!", "bm90LWEtdG9rZW4", token.encode()}) {
            String list = bad.equals(token.encode()) ? "snapshots" : "volumes";
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> PageToken.decode(bad, list));
            assertEquals(Status.Code.ABORTED, e.getStatus().getCode());
        }
    }

    @Test
    void parametersAreCheckedStrictly() {
        VolumeParameters p = VolumeParameters.parse(
                Map.of("thin", "false", "fsType", "xfs", "pool", "fast", "csi.storage.k8s.io/pvc/name", "data"));
        assertEquals(false, p.thin());
        assertEquals(Optional.of(FsType.XFS), p.fsType());
        assertEquals(Optional.of("fast"), p.pool());
        assertEquals(Map.of("csi.storage.k8s.io/pvc/name", "data"), p.kubernetes());
        assertTrue(VolumeParameters.parse(Map.of()).thin(), "thin by default");
        for (Map<String, String> bad : java.util.List.of(
                Map.of("thin", "sometimes"), Map.of("fsType", "zfs"), Map.of("pool", " "), Map.of("replicas", "3"))) {
            assertThrows(IllegalArgumentException.class, () -> VolumeParameters.parse(bad), bad.toString());
        }
    }
}
