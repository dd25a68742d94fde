package io.peregrine.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.operator.Args.ArgsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorMainTest {

    private static OperatorConfig config(Map<String, String> env, String... argv) {
        return OperatorMain.config(new Args(List.of(argv), OperatorMain.OPTIONS, env), "kube-ns", "host-1");
    }

    @Test
    void defaultsComeFromTheEnvironmentThenTheKubeconfig() {
        assertEquals("kube-ns", config(Map.of()).namespace());
        assertEquals("host-1", config(Map.of()).identity());
        OperatorConfig c = config(Map.of("POD_NAMESPACE", "peregrine", "POD_NAME", "operator-7d9f"));
        assertEquals("peregrine", c.namespace());
        assertEquals("operator-7d9f", c.identity());
        assertEquals(Duration.ofSeconds(15), c.leaderTiming().leaseDuration());
        assertEquals(8, c.workers());
    }

    @Test
    void optionsOverrideTheDefaults() {
        OperatorConfig c = config(
                Map.of("POD_NAMESPACE", "ignored"),
                "--namespace",
                "storage",
                "--workers=16",
                "--lease-duration",
                "30s",
                "--renew-deadline",
                "20s",
                "--retry-period",
                "5s",
                "--pool-refresh",
                "2m",
                "--dataplane-timeout",
                "500ms");
        assertEquals("storage", c.namespace());
        assertEquals(16, c.workers());
        assertEquals(Duration.ofSeconds(30), c.leaderTiming().leaseDuration());
        assertEquals(Duration.ofMinutes(2), c.poolRefresh());
        assertEquals(Duration.ofMillis(500), c.dataplaneCallTimeout());
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("unknown option --wrokers", "--wrokers", "3");
        assertMessage("--workers '0' is not an integer from 1 to 256", "--workers", "0");
        assertMessage("--pool-refresh '10' is not a duration", "--pool-refresh", "10");
        assertMessage("needs a value", "--namespace");
        assertMessage("--renew-deadline < --lease-duration", "--renew-deadline", "20s");
        assertMessage("unexpected argument 'run'", "run");
        assertMessage("needs all of --tls-cert, --tls-key and --tls-ca", "--tls-cert", "/x");
    }

    private static void assertMessage(String expected, String... argv) {
        ArgsException e = assertThrows(ArgsException.class, () -> {
            Args args = new Args(List.of(argv), OperatorMain.OPTIONS, Map.of());
            OperatorMain.config(args, "ns", "id");
            args.dataplaneTls();
        });
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void helpIsRecognised() {
        assertTrue(new Args(List.of("--help"), OperatorMain.OPTIONS, Map.of()).help());
        assertTrue(OperatorMain.USAGE.contains("--tls-ca"));
    }
}
