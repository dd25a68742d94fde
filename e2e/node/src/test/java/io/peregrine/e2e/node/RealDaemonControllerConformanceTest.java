package io.peregrine.e2e.node;

import io.peregrine.csi.conformance.ControllerConformance;
import io.peregrine.csi.conformance.ControllerUnderTest;
import io.peregrine.csi.v1.ControllerGrpc;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * csi-driver's conformance suite (every MUST and SHALL of the Controller service, error codes
 * included) against the real daemon instead of its test double: one node for the class, since
 * every case uses names of its own and cleans up after itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealDaemonControllerConformanceTest extends ControllerConformance {

    private RealNode node;

    @BeforeAll
    void start(@TempDir Path dir) {
        node = RealNode.start(dir, 10L << 30);
    }

    @AfterAll
    void stop() {
        if (node != null) node.close();
    }

    @Override
    protected ControllerUnderTest system() {
        return new ControllerUnderTest() {
            @Override
            public ControllerGrpc.ControllerBlockingStub controller() {
                return node.controller();
            }

            @Override
            public String nodeId() {
                return RealNode.NODE;
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }
        };
    }
}
