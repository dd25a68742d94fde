package io.peregrine.csi.conformance;

import io.peregrine.csi.testing.NodeFixture;
import io.peregrine.csi.v1.NodeGrpc;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The node conformance suite against the production node service on a simulated host. */
class NodeConformanceTest extends NodeConformance {

    @TempDir
    Path dir;

    private NodeFixture fixture;

    @BeforeEach
    void start() {
        fixture = new NodeFixture(dir, "node-a");
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Override
    protected NodeUnderTest system() {
        return new NodeUnderTest() {
            @Override
            public NodeGrpc.NodeBlockingStub node() {
                return fixture.node();
            }

            @Override
            public Published publish(long sizeBytes) {
                UUID uuid = UUID.randomUUID();
                return new Published(
                        "node-a/" + uuid,
                        fixture.host()
                                .export(uuid, sizeBytes, NodeFixture.HOST.hostNqn())
                                .toMap());
            }

            @Override
            public Path scratch() {
                return dir.resolve("scratch");
            }
        };
    }
}
