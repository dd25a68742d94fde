package io.peregrine.csi.conformance;

import io.peregrine.csi.testing.ClusterFixture;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.ControllerGrpc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The conformance suite against the controller in cluster mode: two storage nodes found through
 * StorageNode objects, volumes published to the second (remote attach for those on the first).
 */
class ClusterControllerConformanceTest extends ControllerConformance {

    private ClusterFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ClusterFixture(List.of(
                new TestDataplane("node-a").pool("fast", 10L << 30, 4L << 20),
                new TestDataplane("node-b").pool("fast", 4L << 30, 4L << 20)));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Override
    protected ControllerUnderTest system() {
        return new ControllerUnderTest() {
            @Override
            public ControllerGrpc.ControllerBlockingStub controller() {
                return fixture.controller();
            }

            @Override
            public String nodeId() {
                return "node-b";
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }
        };
    }
}
