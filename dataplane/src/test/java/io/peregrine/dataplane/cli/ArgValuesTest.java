package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgValuesTest {

    @Test
    void sizesInBinaryUnitsOrBytes() throws UsageException {
        assertEquals(512L << 20, ArgValues.size("--size", "512M"));
        assertEquals(10L << 30, ArgValues.size("--size", "10G"));
        assertEquals(1L << 40, ArgValues.size("--size", "1T"));
        assertEquals(4096, ArgValues.size("--size", "4096"));
        assertEquals(10L << 30, ArgValues.size("--size", "10Gi"));
        assertEquals(10L << 30, ArgValues.size("--size", "10GiB"));
        assertEquals(64L << 10, ArgValues.size("--size", "64k"));
    }

    @Test
    void badSizesSayWhatWasWrongWithAnExample() {
        assertEquals(
                "--size '10X': size '10X' has unknown unit 'X'; use K, M, G, T or P (binary: 1K = 1024)",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", "10X"))
                        .getMessage());
        assertEquals(
                "--size '1.5G': fractions are not accepted; use a smaller unit, e.g. 1536M instead of 1.5G",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", "1.5G"))
                        .getMessage());
        assertEquals(
                "--size must be more than 0, e.g. 10G",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", "0"))
                        .getMessage());
        assertEquals(
                "--size 'G': size 'G' does not start with a number; write it like 10G",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", "G"))
                        .getMessage());
        assertEquals(
                "--size '': empty size; write it like 10G, 512M or 4096",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", ""))
                        .getMessage());
        assertEquals(
                "--size '99999999P': size '99999999P' is too large",
                assertThrows(UsageException.class, () -> ArgValues.size("--size", "99999999P"))
                        .getMessage());
    }

    @Test
    void durations() throws UsageException {
        assertEquals(Duration.ofSeconds(30), ArgValues.duration("--timeout", "30s"));
        assertEquals(Duration.ofSeconds(45), ArgValues.duration("--timeout", "45"));
        assertEquals(Duration.ofMinutes(5), ArgValues.duration("--timeout", "5m"));
        assertEquals(Duration.ofHours(2), ArgValues.duration("--timeout", "2H"));
        assertEquals(Duration.ofMillis(500), ArgValues.duration("--timeout", "500ms"));
        assertEquals(
                "--timeout 'soon' is not a duration; write it like 30s, 5m or 1h",
                assertThrows(UsageException.class, () -> ArgValues.duration("--timeout", "soon"))
                        .getMessage());
        assertEquals(
                "--timeout must be more than 0, e.g. 30s",
                assertThrows(UsageException.class, () -> ArgValues.duration("--timeout", "0s"))
                        .getMessage());
    }

    @Test
    void countsAndKeyValues() throws UsageException {
        assertEquals(100, ArgValues.positiveInt("--page-size", "100"));
        assertEquals(
                "--page-size '-1' is not a positive whole number, e.g. 100",
                assertThrows(UsageException.class, () -> ArgValues.positiveInt("--page-size", "-1"))
                        .getMessage());
        assertEquals(Map.entry("team", "a=b"), ArgValues.keyValue("--xattr", "team=a=b"));
        assertEquals(Map.entry("empty", ""), ArgValues.keyValue("--xattr", "empty="));
        assertEquals(
                "--xattr 'team' is not KEY=VALUE, e.g. --xattr team=payments",
                assertThrows(UsageException.class, () -> ArgValues.keyValue("--xattr", "team"))
                        .getMessage());
    }
}
