package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Every gRPC status gets one sentence and the documented exit status. */
class DaemonErrorsTest {
    private static final DaemonEndpoint UNIX =
            new DaemonEndpoint.UnixSocket(Path.of("/run/p/dataplane.sock"), "--socket");
    private static final DaemonEndpoint TCP =
            new DaemonEndpoint.Tcp("10.0.0.7", 9443, Path.of("c.crt"), Path.of("c.key"), Path.of("ca.crt"), null);

    private static CommandFailedException map(Status status, DaemonEndpoint endpoint) {
        return DaemonErrors.map(new StatusRuntimeException(status), endpoint, Duration.ofSeconds(60));
    }

    @Test
    void everyCodeHasAnExitStatusAndASentence() {
        Map<Status.Code, Integer> expected = new EnumMap<>(Status.Code.class);
        for (Status.Code c : Status.Code.values()) {
            expected.put(c, ExitStatus.FAILED);
        }
        expected.put(Status.Code.INVALID_ARGUMENT, ExitStatus.USAGE);
        expected.put(Status.Code.UNAVAILABLE, ExitStatus.UNREACHABLE);
        for (Status.Code c : Status.Code.values()) {
            CommandFailedException e = map(Status.fromCode(c).withDescription("the daemon's words"), UNIX);
            assertEquals(expected.get(c), e.exitStatus(), c.name());
            assertEquals(c, e.code(), c.name());
            if (c != Status.Code.OK) {
                assertTrue(e.getMessage().contains("the daemon's words"), c + ": " + e.getMessage());
            }
            assertTrue(!e.getMessage().contains("\n"), "one sentence: " + e.getMessage());
        }
    }

    @Test
    void theSentences() {
        assertEquals(
                "not found: no pool named tank",
                map(Status.NOT_FOUND.withDescription("no pool named tank"), UNIX)
                        .getMessage());
        assertEquals(
                "the daemon refused the request as malformed: name '-x' is not valid",
                map(Status.INVALID_ARGUMENT.withDescription("name '-x' is not valid"), UNIX)
                        .getMessage());
        assertEquals(
                "a concurrent change to the same object won (lost the race); run the command again",
                map(Status.ABORTED.withDescription("lost the race"), UNIX).getMessage());
        assertEquals(
                "the daemon at unix:/run/p/dataplane.sock did not answer within 1 min; the change may still complete,"
                        + " so look before repeating it (a get or list command), and give slow operations more time"
                        + " with --timeout, e.g. --timeout 10m",
                map(Status.DEADLINE_EXCEEDED, UNIX).getMessage());
        assertEquals(
                "the daemon at unix:/run/p/dataplane.sock is not serving right now (importing pools); it is starting"
                        + " or stopping, or a device went away: try again in a moment, and ./peregrine node status"
                        + " shows what it is waiting for",
                map(Status.UNAVAILABLE.withDescription("importing pools"), UNIX).getMessage());
        assertTrue(map(Status.PERMISSION_DENIED.withDescription("x"), TCP)
                .getMessage()
                .contains("check that --tls-cert and --tls-key are a client certificate its CA trusts"));
        assertTrue(map(Status.INTERNAL.withDescription("crc mismatch"), UNIX)
                .getMessage()
                .startsWith("the daemon failed (INTERNAL): crc mismatch; its log has the details"));
    }

    @Test
    void transportFailuresAreUnreachable() {
        CommandFailedException refused = map(
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(new ConnectException("Connection refused")),
                UNIX);
        assertEquals(ExitStatus.UNREACHABLE, refused.exitStatus());
        assertTrue(
                refused.getMessage()
                        .startsWith("no daemon answers on /run/p/dataplane.sock (Connection refused): the socket is"
                                + " left over from a daemon that stopped"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("./peregrine local"), refused.getMessage());

        CommandFailedException tcp = map(
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(new ConnectException("Connection refused")),
                TCP);
        assertEquals(
                "cannot reach the daemon at 10.0.0.7:9443 (Connection refused): check the address and that the node's"
                        + " daemon serves its management API on that port",
                tcp.getMessage());

        CommandFailedException tls = map(
                Status.UNAVAILABLE.withCause(new RuntimeException(new SSLHandshakeException("bad certificate"))), TCP);
        assertEquals(ExitStatus.UNREACHABLE, tls.exitStatus());
        assertTrue(
                tls.getMessage()
                        .startsWith("the TLS handshake with the daemon at 10.0.0.7:9443 failed (bad certificate)"),
                tls.getMessage());
    }

    @Test
    void notRunningSaysWhereItLookedAndHowToStartOne() {
        String m =
                DaemonErrors.notRunning(java.util.List.of("/a/.peregrine/dataplane.sock (local)", "/var/run/x (node)"));
        assertTrue(
                m.startsWith("no Peregrine daemon is running: there is no socket at /a/.peregrine/dataplane.sock"
                        + " (local) nor at /var/run/x (node); start one with ./peregrine local"),
                m);
        assertTrue(!m.contains("\n"), "one sentence: " + m);
    }
}
