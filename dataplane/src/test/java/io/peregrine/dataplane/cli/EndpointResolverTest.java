package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket lookup order agreed with the daemon, and the TCP address rules. */
class EndpointResolverTest {
    @TempDir
    Path dir;

    private Environment env(Map<String, String> vars) {
        return new Environment(dir.resolve("work"), vars, dir.resolve("node.sock"), dir.resolve("hostnqn"));
    }

    private static ParsedArgs args(String... args) throws UsageException {
        return ArgParser.parse(List.of(args), CommonOptions.ALL);
    }

    private Path touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "");
    }

    @Test
    void theOrderIsSocketThenVariableThenLocalThenNode() throws Exception {
        Path local = touch(dir.resolve("work/.peregrine/dataplane.sock"));
        Path node = touch(dir.resolve("node.sock"));
        Environment withVar = env(Map.of("PEREGRINE_SOCKET", "var.sock"));

        assertEquals(
                new DaemonEndpoint.UnixSocket(dir.resolve("work/explicit.sock"), "--socket"),
                EndpointResolver.resolve(args("--socket", "explicit.sock"), withVar));
        assertEquals(
                new DaemonEndpoint.UnixSocket(dir.resolve("work/var.sock"), "$PEREGRINE_SOCKET"),
                EndpointResolver.resolve(args(), withVar));
        assertEquals(local, ((DaemonEndpoint.UnixSocket) EndpointResolver.resolve(args(), env(Map.of()))).path());
        Files.delete(local);
        assertEquals(node, ((DaemonEndpoint.UnixSocket) EndpointResolver.resolve(args(), env(Map.of()))).path());
        assertEquals(
                node,
                ((DaemonEndpoint.UnixSocket) EndpointResolver.resolve(args(), env(Map.of("PEREGRINE_SOCKET", " "))))
                        .path(),
                "a blank variable counts as unset");
    }

    @Test
    void nothingFoundSaysWhereItLooked() {
        CommandFailedException e =
                assertThrows(CommandFailedException.class, () -> EndpointResolver.resolve(args(), env(Map.of())));
        assertEquals(ExitStatus.UNREACHABLE, e.exitStatus());
        assertTrue(
                e.getMessage().contains(dir.resolve("work/.peregrine/dataplane.sock") + " (./peregrine local's"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains(" nor at " + dir.resolve("node.sock") + " (a node daemon's socket); start one"),
                e.getMessage());
    }

    @Test
    void tcpNeedsMutualTls() throws Exception {
        Path cert = touch(dir.resolve("c.crt"));
        Path key = touch(dir.resolve("c.key"));
        Path ca = touch(dir.resolve("ca.crt"));
        Environment env = env(Map.of());
        DaemonEndpoint.Tcp tcp = (DaemonEndpoint.Tcp) EndpointResolver.resolve(
                args(
                        "--address",
                        "10.0.0.7:9443",
                        "--tls-cert",
                        cert.toString(),
                        "--tls-key",
                        key.toString(),
                        "--tls-ca",
                        ca.toString()),
                env);
        assertEquals(new DaemonEndpoint.Tcp("10.0.0.7", 9443, cert, key, ca, "peregrine-dataplane"), tcp);
        assertEquals("10.0.0.7:9443", tcp.describe());
        DaemonEndpoint.Tcp v6 = (DaemonEndpoint.Tcp) EndpointResolver.resolve(
                args(
                        "--address",
                        "[fd00::7]:9443",
                        "--tls-cert",
                        cert.toString(),
                        "--tls-key",
                        key.toString(),
                        "--tls-ca",
                        ca.toString(),
                        "--tls-server-name",
                        "node-1"),
                env);
        assertEquals("fd00::7", v6.host());
        assertEquals("node-1", v6.serverName());
        assertEquals("[fd00::7]:9443", v6.describe());

        assertTrue(assertThrows(
                        UsageException.class, () -> EndpointResolver.resolve(args("--address", "10.0.0.7:9443"), env))
                .getMessage()
                .startsWith("the daemon serves TCP only with mutual TLS"));
        for (String bad :
                List.of("10.0.0.7", "10.0.0.7:", ":9443", "host:0", "host:70000", "fd00::7:9443", "[fd00::7]")) {
            assertTrue(
                    assertThrows(UsageException.class, () -> EndpointResolver.resolve(args("--address", bad), env))
                            .getMessage()
                            .contains("is not HOST:PORT"),
                    bad);
        }
        assertEquals(
                "--tls-key missing.key: no such file",
                assertThrows(
                                UsageException.class,
                                () -> EndpointResolver.resolve(
                                        args(
                                                "--address",
                                                "h:1",
                                                "--tls-cert",
                                                cert.toString(),
                                                "--tls-key",
                                                "missing.key",
                                                "--tls-ca",
                                                ca.toString()),
                                        env))
                        .getMessage());
        assertTrue(assertThrows(
                        UsageException.class,
                        () -> EndpointResolver.resolve(args("--socket", "s", "--address", "h:1"), env))
                .getMessage()
                .startsWith("give either --socket PATH or --address HOST:PORT"));
        assertTrue(assertThrows(UsageException.class, () -> EndpointResolver.resolve(args("--tls-ca", "x"), env))
                .getMessage()
                .contains("go with --address HOST:PORT"));
    }
}
