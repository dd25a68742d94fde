package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.Health;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pool ...} through the daemon, and {@code node status}, against the fake daemon. */
class PoolAndNodeCommandTest {
    private static final String TANK = "file:///var/lib/peregrine/tank.img?size=20G";

    @TempDir
    Path dir;

    private final FakeDataplane fake = new FakeDataplane();
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        cli = CliHarness.serving(dir, fake);
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
    void createListGetInEveryFormat() {
        assertEquals(
                "no pools yet; create one: ./peregrine pool create NAME URI\n",
                run(0, "pool", "list").out());
        String created = run(0, "pool", "create", "tank", TANK).out();
        assertTrue(created.startsWith("""
                Name:            tank
                UUID:            4107c0a4-db3f-348d-99aa-c2701b32b143
                Disk:            file:///var/lib/peregrine/tank.img?size=20G
                State:           online
                Capacity:        20 GiB (21474836480 bytes)
                """), created);
        assertEquals(created, run(0, "pool", "create", "tank", TANK).out(), "create is idempotent");
        assertEquals("""
                NAME   STATE    DISK                                          CAPACITY   USED     FREE   USE%   CLUSTER   VOLUMES   SNAPSHOTS
                tank   online   file:///var/lib/peregrine/tank.img?size=20G     20 GiB    0 B   20 GiB     0%     4 MiB         0           0
                """, run(0, "pool", "list").out());
        assertEquals("""
                {
                  "pools": [
                    {
                      "name": "tank",
                      "uuid": "4107c0a4-db3f-348d-99aa-c2701b32b143",
                      "diskUri": "file:///var/lib/peregrine/tank.img?size=20G",
                      "state": "ONLINE",
                      "message": "",
                      "capacityBytes": "21474836480",
                      "usedBytes": "0",
                      "freeBytes": "21474836480",
                      "clusterSizeBytes": "4194304",
                      "volumeCount": 0,
                      "snapshotCount": 0,
                      "formatVersion": 1
                    }
                  ]
                }
                """, run(0, "pool", "list", "-o", "json").out());
        assertEquals("""
                name: tank
                uuid: "4107c0a4-db3f-348d-99aa-c2701b32b143"
                diskUri: file:///var/lib/peregrine/tank.img?size=20G
                state: ONLINE
                message: ""
                capacityBytes: "21474836480"
                usedBytes: "0"
                freeBytes: "21474836480"
                clusterSizeBytes: "4194304"
                volumeCount: 0
                snapshotCount: 0
                formatVersion: 1
                """, run(0, "pool", "get", "tank", "-o", "yaml").out());
        assertTrue(run(0, "pool", "create", "fast", "malloc://?size=1G", "--cluster-size", "1M")
                .out()
                .contains("Cluster size:    1 MiB (1048576 bytes)"));
    }

    @Test
    void exportImportDestroyAndCheck() {
        run(0, "pool", "create", "tank", TANK);
        run(0, "volume", "create", "tank/pvc-1", "--size", "1G");
        assertEquals(
                "pool tank\n  256 clusters, 10 used, 0 leaked\nconsistent\n",
                run(0, "pool", "check", "tank").out());
        assertTrue(run(0, "pool", "export", "tank").out().startsWith("exported pool tank; its data stays on"));
        assertTrue(run(1, "pool", "get", "tank").err().startsWith("pool get: not found: no pool named tank"));
        assertTrue(run(0, "pool", "import", TANK, "--name", "tank").out().contains("Volumes:         1"));
        assertTrue(run(1, "pool", "destroy", "tank")
                .err()
                .startsWith("pool destroy: not possible in the current state: pool tank holds 1 volume"));
        assertTrue(run(0, "pool", "destroy", "tank", "--force").out().startsWith("destroyed pool tank on "));
        assertEquals(
                "no pool tank; nothing to destroy\n",
                run(0, "pool", "destroy", "tank", "--allow-missing").out());
        assertTrue(run(2, "pool", "check", "tank", "--daemon").err().contains("--daemon checks a device URI"));
    }

    @Test
    void nodeStatus() {
        String out = run(0, "node", "status").out();
        assertTrue(out.startsWith("""
                Node:        laptop
                Version:     0.1.0
                Health:      serving
                Checks:      ok    target
                             ok    reactors
                """), out);
        assertTrue(out.contains("""
                REACTOR   CORE   STATE      BUSY    IDLE   BUSY%
                      0      0   parked     1.3s   1h00m    0.0%
                      1    any   polling   45.0s   15.0s     75%
                """), out);
        String json = run(0, "node", "status", "-o", "json").out();
        assertTrue(json.startsWith("{\n  \"node\": {\n    \"nodeName\": \"laptop\""), json);
        assertTrue(json.contains("\"health\": {\n    \"status\": \"SERVING\""), json);
        assertTrue(run(0, "node", "status", "-o", "yaml").out().startsWith("node:\n  nodeName: laptop\n"));
        fake.health(Health.Status.NOT_SERVING);
        String sick = run(1, "node", "status").out();
        assertTrue(sick.contains("reactor 1 stalled for 5s"), sick);
    }
}
