package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code volume ...} against the fake daemon on a Unix socket, every format. */
class VolumeCommandTest {
    @TempDir
    Path dir;

    private final FakeDataplane fake = new FakeDataplane();
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        cli = CliHarness.serving(dir, fake);
        ok("pool", "create", "tank", "file:///var/lib/peregrine/tank.img?size=20G");
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    private CliHarness.Result ok(String... argv) {
        CliHarness.Result r = cli.run(argv);
        assertEquals(0, r.status(), r.toString());
        assertEquals("", r.err(), r.toString());
        return r;
    }

    private CliHarness.Result fails(int status, String... argv) {
        CliHarness.Result r = cli.run(argv);
        assertEquals(status, r.status(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r);
        return r;
    }

    @Test
    void createSnapshotCloneListInAnAlignedTable() {
        ok("volume", "create", "tank/pvc-1", "--size", "10G");
        ok("volume", "create", "tank/pvc-2", "--size", "512M", "--thick", "--xattr", "owner=db");
        ok("volume", "snapshot", "tank/pvc-1", "snap-1");
        ok("volume", "clone", "tank/snap-1", "restore-1");
        assertEquals("""
                NAME             UUID                                   KIND          SIZE   ALLOCATED   PROVISIONING   PARENT        EXPORTED
                tank/pvc-1       ef2091f0-d05c-3445-91e0-ab600812eeb9   volume      10 GiB         0 B   thin           -             no
                tank/pvc-2       1d3eae25-ebdc-3d82-bf17-10c326efe465   volume     512 MiB     512 MiB   thick          -             no
                tank/restore-1   2ce25864-fc9a-3447-9617-ce990e57dfeb   clone       10 GiB         0 B   thin           tank/snap-1   no
                tank/snap-1      9293d813-c755-3bb9-b685-138d6dc5cd83   snapshot    10 GiB         0 B   thin           tank/pvc-1    no
                """, ok("volume", "list").out());
        // A filtered list still names parents that are not in it.
        assertEquals("""
                NAME          UUID                                   KIND         SIZE   ALLOCATED   PROVISIONING   PARENT       EXPORTED
                tank/snap-1   9293d813-c755-3bb9-b685-138d6dc5cd83   snapshot   10 GiB         0 B   thin           tank/pvc-1   no
                """, ok("volume", "list", "--kind", "snapshot").out());
        assertEquals(
                "no volumes match\n", ok("volume", "list", "--pool", "other").out());
    }

    @Test
    void sizesTakeUnitsOrBytes() {
        assertTrue(ok("volume", "create", "tank/a", "--size", "20G").out().contains("20 GiB (21474836480 bytes)"));
        assertTrue(ok("volume", "create", "tank/b", "--size", "512M").out().contains("512 MiB (536870912 bytes)"));
        assertTrue(ok("volume", "create", "tank/c", "--size", "1048576").out().contains("1 MiB (1048576 bytes)"));
        assertTrue(ok("volume", "grow", "a", "--size", "30G").out().contains("30 GiB (32212254720 bytes)"));
    }

    @Test
    void getAndDetails() {
        ok("volume", "create", "tank/pvc-1", "--size", "10G");
        ok("volume", "snapshot", "tank/pvc-1", "snap-1");
        String out = ok("volume", "get", "tank/snap-1").out();
        assertTrue(out.startsWith("""
                Name:          tank/snap-1
                UUID:          9293d813-c755-3bb9-b685-138d6dc5cd83
                Kind:          snapshot
                Size:          10 GiB (10737418240 bytes)
                Allocated:     0 B
                Provisioning:  thin
                Read-only:     yes
                Parent:        tank/pvc-1
                """), out);
        // by UUID, and by bare name when one pool has it
        assertEquals(
                out, ok("volume", "get", "9293d813-c755-3bb9-b685-138d6dc5cd83").out());
        assertEquals(out, ok("volume", "get", "snap-1").out());
    }

    @Test
    void jsonAndYamlAreTheApiMessages() {
        ok("volume", "create", "tank/pvc-2", "--size", "512M", "--thick", "--xattr", "owner=db");
        String json = ok("volume", "get", "tank/pvc-2", "-o", "json").out();
        assertTrue(json.startsWith("""
                {
                  "uuid": "1d3eae25-ebdc-3d82-bf17-10c326efe465",
                  "name": "pvc-2",
                  "pool": "tank",
                  "kind": "VOLUME",
                  "sizeBytes": "536870912",
                  "allocatedBytes": "536870912",
                  "provisioning": "THICK",
                """), json);
        String yaml = ok("volume", "list", "--output", "yaml").out();
        assertTrue(yaml.startsWith("""
                volumes:
                  - uuid: "1d3eae25-ebdc-3d82-bf17-10c326efe465"
                    name: pvc-2
                    pool: tank
                    kind: VOLUME
                    sizeBytes: "536870912"
                    allocatedBytes: "536870912"
                    provisioning: THICK
                    parentUuid: ""
                    readOnly: false
                    xattrs:
                      owner: db
                """), yaml);
        assertEquals(
                "{\n  \"volumes\": [],\n  \"nextPageToken\": \"\"\n}\n",
                ok("volume", "list", "--pool", "x", "-o", "json").out());
    }

    @Test
    void listFollowsPages() {
        fake.defaultPageSize(2);
        for (int i = 0; i < 5; i++) {
            ok("volume", "create", "tank/v" + i, "--size", "1G");
        }
        String out = ok("volume", "list").out();
        assertEquals(6, out.lines().count(), out);
        assertEquals(6, ok("volume", "list", "--page-size", "1").out().lines().count());
    }

    @Test
    void statsGrowDelete() {
        ok("volume", "create", "tank/pvc-1", "--size", "10G");
        assertEquals("""
                I/O on tank/pvc-1 (ef2091f0-d05c-3445-91e0-ab600812eeb9) since it was loaded; errors: 0

                                OPS     BYTES   MEAN LATENCY
                read           1000   3.9 MiB           85us
                write           500   2.0 MiB          120us
                flush             7         -              -
                unmap             0         -              -
                write zeroes      0         -              -
                """, ok("volume", "stats", "tank/pvc-1").out());
        assertEquals(
                "deleted volume tank/pvc-1 (ef2091f0-d05c-3445-91e0-ab600812eeb9)\n",
                ok("volume", "delete", "tank/pvc-1").out());
        assertEquals(
                "no volume tank/pvc-1; nothing to delete\n",
                ok("volume", "delete", "tank/pvc-1", "--allow-missing").out());
        assertEquals(
                "volume delete: not found: pool tank has no volume named pvc-1\n",
                fails(1, "volume", "delete", "tank/pvc-1").err());
    }

    @Test
    void usageErrorsExitTwoAndSendNothing() {
        int before = fake.calls();
        assertEquals(
                "volume create: --size '12Q': size '12Q' has unknown unit 'Q'; use K, M, G, T or P (binary: 1K = 1024)\n",
                fails(2, "volume", "create", "tank/x", "--size", "12Q").err());
        assertEquals(
                "volume create: --size is required, e.g. ./peregrine volume create tank/x --size 10G\n",
                fails(2, "volume", "create", "tank/x").err());
        assertTrue(
                fails(2, "volume", "create", "x", "--size", "1G").err().contains("give the new volume as POOL/NAME"));
        assertTrue(
                fails(2, "volume", "frob").err().startsWith("volume: unknown subcommand 'frob'; did you mean 'grow'?"));
        assertTrue(fails(2, "volume", "get").err().startsWith("volume get: missing VOL"));
        assertTrue(fails(2, "volume", "get", "a", "b").err().startsWith("volume get: unexpected argument 'b'"));
        assertTrue(fails(2, "volume", "list", "--bogus").err().contains("--bogus"));
        assertTrue(fails(2, "volume", "list", "-o", "xml").err().contains("xml"));
        assertTrue(fails(2, "volume", "list", "--kind", "disk").err().contains("use volume, snapshot or clone"));
        assertTrue(fails(2, "volume", "get", "a/b/c").err().contains("neither POOL/NAME"));
        assertEquals(before, fake.calls(), "a usage error sends nothing");
    }

    @Test
    void theDaemonsRefusalsExitOne() {
        ok("volume", "create", "tank/pvc-1", "--size", "10G");
        assertTrue(fails(1, "volume", "create", "tank/pvc-1", "--size", "20G")
                .err()
                .startsWith("volume create: the name is taken: volume pvc-1 exists in pool tank"));
        assertTrue(fails(1, "volume", "create", "tank/big", "--size", "1T", "--thick")
                .err()
                .startsWith("volume create: no room: pool tank has "));
        assertTrue(fails(2, "volume", "clone", "tank/pvc-1", "c").err().contains("is a volume, not a snapshot"));
        fake.failNext(Status.INTERNAL.withDescription("crc mismatch in page 7"));
        assertTrue(fails(1, "volume", "list")
                .err()
                .startsWith("volume list: the daemon failed (INTERNAL): crc mismatch in page 7"));
        fake.failNext(Status.INVALID_ARGUMENT.withDescription("name too long"));
        assertEquals(
                "volume list: the daemon refused the request as malformed: name too long\n",
                fails(2, "volume", "list").err());
    }

    @Test
    void helpNeedsNoDaemon() {
        cli.close();
        CliHarness.Result r = cli.run("volume", "create", "--help");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("usage: ./peregrine volume create POOL/NAME --size SIZE"), r.out());
        assertTrue(r.out().contains("--output FORMAT"), r.out());
        assertTrue(r.out().contains("exit status: 0 done"), r.out());
        assertEquals(0, cli.run("volume", "help", "grow").status());
        assertEquals(0, cli.run("volume", "--help").status());
    }
}
