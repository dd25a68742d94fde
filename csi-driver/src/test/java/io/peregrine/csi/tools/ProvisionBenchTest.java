package io.peregrine.csi.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provisioning benchmark end to end over Unix sockets, local mode and cluster mode (mock API
 * server, mutual-TLS dataplanes); figures go to target/csi-bench.json and csi-cluster-bench.json.
 */
@Tag("long")
class ProvisionBenchTest {

    @Test
    void provisionsAHundredVolumesAndReportsLatencies() throws Exception {
        Path json = Path.of("target", "csi-bench.json");
        ProvisionBenchRun.main(new String[] {"100", json.toString()});
        assertTrue(Files.readString(json).contains("\"volumes\":100"));
    }

    @Test
    void provisionsAHundredVolumesInClusterMode() throws Exception {
        Path json = Path.of("target", "csi-cluster-bench.json");
        ClusterProvisionBenchRun.main(new String[] {"100", json.toString()});
        assertTrue(Files.readString(json).contains("\"volumes\":100"));
    }
}
