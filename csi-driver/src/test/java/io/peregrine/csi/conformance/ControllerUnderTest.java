package io.peregrine.csi.conformance;

import io.peregrine.csi.v1.ControllerGrpc;
import java.util.Map;

/**
 * A controller to run {@link ControllerConformance} against: the in-process test dataplane
 * here, the real daemon on loopback in e2e/node ({@code RealDaemonControllerConformanceTest},
 * through this module's test-jar).
 */
public interface ControllerUnderTest {

    ControllerGrpc.ControllerBlockingStub controller();

    /** A CSI node id that volumes can be published to (a node with a known host NQN). */
    String nodeId();

    /** CreateVolume parameters that work on this system (a pool selector, say), usually none. */
    Map<String, String> parameters();
}
