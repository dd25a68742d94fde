package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export ...} against the fake daemon. */
class ExportCommandTest {
    private static final String HOST = CliHarness.HOST_NQN;
    private static final String SUBNQN = "nqn.2026-11.io.peregrine:vol:ef2091f0-d05c-3445-91e0-ab600812eeb9";

    @TempDir
    Path dir;

    private final FakeDataplane fake = new FakeDataplane();
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        cli = CliHarness.serving(dir, fake);
        run(0, "pool", "create", "tank", "file:///var/lib/peregrine/tank.img?size=20G");
        run(0, "volume", "create", "tank/pvc-1", "--size", "10G");
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    private CliHarness.Result run(int status, String... argv) {
        CliHarness.Result r = cli.run(argv);
        assertEquals(status, r.status(), r.toString());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r);
        return r;
    }

    @Test
    void addListGetRemove() {
        assertEquals(
                "no volumes are exported; export one: ./peregrine export add VOL --host NQN\n",
                run(0, "export", "list").out());
        String added = run(0, "export", "add", "tank/pvc-1", "--host", HOST).out();
        assertTrue(
                added.startsWith("Volume:         tank/pvc-1 (ef2091f0-d05c-3445-91e0-ab600812eeb9)\n"
                        + "Subsystem NQN:  " + SUBNQN + "\n"),
                added);
        assertTrue(added.contains("Allowed hosts:  " + HOST + "\n"), added);
        assertTrue(
                added.contains("  nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + SUBNQN + " --hostnqn " + HOST + "\n"),
                added);
        assertEquals("""
                VOLUME       SUBSYSTEM NQN                                                       NSID   HOSTS                                                                  CONNECTED   LISTENERS
                tank/pvc-1   nqn.2026-11.io.peregrine:vol:ef2091f0-d05c-3445-91e0-ab600812eeb9      1   nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555           0   tcp:127.0.0.1:4420
                """, run(0, "export", "list").out());
        String json = run(0, "export", "get", "tank/pvc-1", "-o", "json").out();
        assertTrue(json.contains("\"allowedHostNqns\": [\n    \"" + HOST + "\"\n  ],"), json);
        assertTrue(run(0, "export", "list", "-o", "yaml").out().startsWith("exports:\n  - volumeUuid: "));
        assertTrue(
                run(0, "export", "remove", "tank/pvc-1", "--host", HOST).out().contains("Allowed hosts:  none"));
        assertEquals(
                "stopped exporting tank/pvc-1 (" + SUBNQN + ")\n",
                run(0, "export", "remove", "tank/pvc-1").out());
        assertEquals(
                "tank/pvc-1 is not exported; nothing to remove\n",
                run(0, "export", "remove", "tank/pvc-1").out());
        assertTrue(run(1, "export", "get", "tank/pvc-1")
                .err()
                .contains("tank/pvc-1 is not exported; export it with ./peregrine export add tank/pvc-1 --host NQN"));
    }

    @Test
    void anyHost() {
        String out = run(0, "export", "add", "pvc-1", "--allow-any-host").out();
        assertTrue(out.contains("  nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + SUBNQN), out);
    }

    @Test
    void hostsAreCheckedBeforeAnythingIsSent() {
        int before = fake.calls();
        String missing = run(2, "export", "add", "tank/pvc-1").err();
        assertTrue(missing.contains("say which hosts may connect: --host NQN (this machine's is " + HOST), missing);
        assertTrue(
                run(2, "export", "add", "tank/pvc-1", "--host", "host-1").err().contains("host-1"));
        assertEquals(before, fake.calls());
    }
}
