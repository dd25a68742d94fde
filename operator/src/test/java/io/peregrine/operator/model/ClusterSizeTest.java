package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterSizeTest {

    @Test
    void defaultsToFourMebibytes() {
        assertEquals(4L << 20, ClusterSize.bytes(null));
    }

    @ParameterizedTest
    @CsvSource({"1Mi, 1048576", "4Mi, 4194304", "256Mi, 268435456", "1048576, 1048576", "0.25Gi, 268435456"})
    void acceptsPowersOfTwoInRange(String quantity, long bytes) {
        assertEquals(bytes, ClusterSize.bytes(new Quantity(quantity)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3Mi", "5M", "4M", "1000000"})
    void refusesWhatIsNotAPowerOfTwo(String quantity) {
        var e = assertThrows(IllegalArgumentException.class, () -> ClusterSize.bytes(new Quantity(quantity)));
        assertTrue(e.getMessage().contains("not a power of two"), e.getMessage());
        assertTrue(e.getMessage().contains("4Mi (the default)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"512Ki", "512Mi", "1Gi"})
    void refusesWhatIsOutOfRange(String quantity) {
        var e = assertThrows(IllegalArgumentException.class, () -> ClusterSize.bytes(new Quantity(quantity)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void refusesFractionsOfAByte() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClusterSize.bytes(new Quantity("1.5")));
        assertTrue(e.getMessage().contains("whole number of bytes"), e.getMessage());
    }

    @Test
    void refusesWhatIsNotAQuantity() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClusterSize.bytes(new Quantity("big")));
        assertTrue(e.getMessage().contains("spec.clusterSize"), e.getMessage());
    }
}
