package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the daemon, and every way of not finding it: exit 3 and one sentence, never a trace. */
class ReachingTheDaemonTest {
    @TempDir
    Path dir;

    @Test
    void noDaemonAnywhereNamesThePlacesAndHowToStartOne() throws Exception {
        try (CliHarness cli = CliHarness.withoutDaemon(dir)) {
            for (String[] argv : new String[][] {
                {"pool", "list"}, {"volume", "list"}, {"export", "list"}, {"node", "status"}, {"pool", "check", "tank"}
            }) {
                CliHarness.Result r = cli.run(argv);
                assertEquals(3, r.status(), r.toString());
                assertEquals("", r.out());
                assertEquals(1, r.err().lines().count(), "one sentence: " + r.err());
                assertTrue(
                        r.err()
                                .contains(cli.work()
                                        .resolve(".peregrine/dataplane.sock")
                                        .toString()),
                        r.err());
                assertTrue(r.err().contains("start one with ./peregrine local"), r.err());
            }
        }
    }

    @Test
    void anExplicitSocketThatIsNotThere() throws Exception {
        try (CliHarness cli = CliHarness.withoutDaemon(dir)) {
            CliHarness.Result r =
                    cli.run("volume", "list", "--socket", dir.resolve("x.sock").toString());
            assertEquals(3, r.status());
            assertTrue(
                    r.err()
                            .startsWith("volume list: no Peregrine daemon is running at " + dir.resolve("x.sock")
                                    + " (from --socket): there is no socket there; start one with ./peregrine local"),
                    r.err());
        }
    }

    @Test
    void aSocketLeftOverFromADeadDaemon() throws Exception {
        Path stale = dir.resolve("stale.sock");
        // bind and close: the file stays, nothing listens
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        try (CliHarness cli = CliHarness.withoutDaemon(dir)) {
            CliHarness.Result r = cli.run("pool", "list", "--socket", stale.toString());
            assertEquals(3, r.status(), r.toString());
            assertTrue(r.err().startsWith("pool list: no daemon answers on " + stale), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void theVariableIsUsedWhenThereIsNoOption() throws Exception {
        FakeDataplane fake = new FakeDataplane();
        try (CliHarness cli = CliHarness.serving(dir, fake)) {
            Environment env = new Environment(
                    dir.resolve("elsewhere"),
                    Map.of(Environment.SOCKET_VARIABLE, cli.socket().toString()),
                    dir.resolve("none.sock"),
                    dir.resolve("hostnqn"));
            CliHarness.Result r = CliHarness.run(env, "pool", "list");
            assertEquals(0, r.status(), r.toString());
            CliHarness.Result missing = CliHarness.run(
                    new Environment(dir, Map.of(Environment.SOCKET_VARIABLE, "/nope.sock"), dir, dir), "pool", "list");
            assertEquals(3, missing.status());
            assertTrue(missing.err().contains("/nope.sock (from $PEREGRINE_SOCKET)"), missing.err());
        }
    }

    @Test
    void aDaemonThatIsNotServingYetIsUnreachable() throws Exception {
        FakeDataplane fake = new FakeDataplane();
        try (CliHarness cli = CliHarness.serving(dir, fake)) {
            fake.failNext(Status.UNAVAILABLE.withDescription("importing pools"));
            CliHarness.Result r = cli.run("volume", "list");
            assertEquals(3, r.status(), r.toString());
            assertTrue(r.err().contains("is not serving right now (importing pools)"), r.err());
        }
    }

    @Test
    void aDaemonThatDoesNotAnswerInTimeFailsTheCommandNotTheShell() throws Exception {
        FakeDataplane fake = new FakeDataplane();
        try (CliHarness cli = CliHarness.serving(dir, fake)) {
            fake.ignoreNext();
            CliHarness.Result r = cli.run("pool", "list", "--timeout", "300ms");
            assertEquals(1, r.status(), r.toString());
            assertTrue(
                    r.err()
                            .startsWith(
                                    "pool list: the daemon at unix:" + cli.socket() + " did not answer within 300 ms"),
                    r.err());
            assertTrue(r.err().contains("--timeout 10m"), r.err());
            assertEquals(2, cli.run("pool", "list", "--timeout", "soon").status());
            assertEquals(0, cli.run("pool", "list").status(), "the next call is answered");
        }
    }

    @Test
    void topLevelDispatch() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment env = new Environment(dir, Map.of(), dir.resolve("n.sock"), dir.resolve("h"));
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, CliMain.run(new String[0], env, o, e));
        assertEquals(2, CliMain.run(new String[] {"volumes"}, env, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'volumes'"));
        assertEquals(0, CliMain.run(new String[] {"--help"}, env, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("  export  "));
    }

    @Test
    void everySubcommandHasHelp() throws Exception {
        try (CliHarness cli = CliHarness.withoutDaemon(dir)) {
            for (CommandGroup g : CliMain.GROUPS) {
                for (Subcommand s : g.subcommands()) {
                    CliHarness.Result r = cli.run(g.name(), s.name(), "--help");
                    assertEquals(0, r.status(), r.toString());
                    assertTrue(r.out().startsWith("usage: ./peregrine " + g.name() + " " + s.name()), r.out());
                    assertTrue(r.out().contains("-o") || r.out().contains("--output"), r.out());
                }
            }
        }
    }
}
