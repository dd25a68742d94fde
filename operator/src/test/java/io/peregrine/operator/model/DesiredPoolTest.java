package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import io.peregrine.operator.crd.DeletionPolicy;
import io.peregrine.operator.crd.DiskPoolSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredPoolTest {

    @Test
    void aGoodSpecIsWhatTheDataplaneIsAskedFor() {
        var check = DesiredPool.from(
                "fast", new DiskPoolSpec("node-a", List.of("PCIE://0000:00:04.0"), new Quantity("8Mi"), null));
        DesiredPool p = assertInstanceOf(DesiredPool.Valid.class, check).pool();
        assertEquals("fast", p.name());
        assertEquals("node-a", p.node());
        assertEquals("pcie://0000:00:04.0", p.disk().uri());
        assertEquals(8L << 20, p.clusterSizeBytes());
        assertEquals(DeletionPolicy.Destroy, p.deletionPolicy());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        var check =
                DesiredPool.from("x".repeat(64), new DiskPoolSpec(" ", List.of("nvme://0"), new Quantity("3Mi"), null));
        List<String> problems =
                assertInstanceOf(DesiredPool.Invalid.class, check).problems();
        assertEquals(4, problems.size(), problems.toString());
        String message = ((DesiredPool.Invalid) check).message();
        assertTrue(message.contains("cannot name a pool"), message);
        assertTrue(message.contains("spec.node is empty"), message);
        assertTrue(message.contains("spec.disks[0]"), message);
        assertTrue(message.contains("spec.clusterSize"), message);
    }

    @Test
    void aMissingSpecOrDiskListSaysWhatToSet() {
        assertTrue(((DesiredPool.Invalid) DesiredPool.from("p", null)).message().contains("spec is missing"));
        assertTrue(((DesiredPool.Invalid) DesiredPool.from("p", new DiskPoolSpec("n", null, null, null)))
                .message()
                .contains("spec.disks is empty"));
    }

    @Test
    void aNullDiskEntryIsABadSpecNotACrash() {
        var check = DesiredPool.from("p", new DiskPoolSpec("n", Arrays.asList((String) null), null, null));
        assertTrue(((DesiredPool.Invalid) check).message().contains("empty"));
    }
}
