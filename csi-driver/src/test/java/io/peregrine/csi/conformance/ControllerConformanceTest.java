package io.peregrine.csi.conformance;

import io.peregrine.csi.testing.ControllerFixture;
import io.peregrine.csi.testing.TestDataplane;
import io.peregrine.csi.v1.ControllerGrpc;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The conformance suite against the in-process test dataplane in local mode. */
class ControllerConformanceTest extends ControllerConformance {

    private ControllerFixture fixture;

    @BeforeEach
    void start() {
        fixture = ControllerFixture.local(new TestDataplane("node-a").pool("fast", 10L << 30, 4L << 20));
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
                return "node-a";
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }
        };
    }
}
