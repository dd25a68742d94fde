package io.peregrine.nvme.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools against the model: output shapes, exit codes, and what bad command lines say. */
class NvmeToolTest {

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = NvmeTool.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void identifyInTextAndJson() {
        Run text = run("identify", "emu://?size=8M&block=4096");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("Model              Peregrine NVMe model"), text.out());
        assertTrue(text.out().contains("Size               2048 blocks x 4096 B = 8 MiB"), text.out());
        assertTrue(text.out().contains("Optional commands  Dataset Management, Write Zeroes"), text.out());

        Run json = run("identify", "emu://?size=8M", "--json");
        assertEquals(0, json.exit(), json.err());
        assertTrue(json.out().startsWith("{\n  \"controller\": {"), json.out());
        assertTrue(json.out().contains("\"blocks\": 16384"), json.out());
        assertTrue(json.out().contains("\"host_read_commands\": 0"), json.out());
    }

    @Test
    void perfReportsThroughputLatencyAndCpu() {
        Run r = run(
                "perf",
                "emu://?null&size=1G",
                "-q",
                "8",
                "-o",
                "4096",
                "-w",
                "randread",
                "-t",
                "0.5",
                "--warmup",
                "0.2",
                "--json");
        assertEquals(0, r.exit(), r.err() + r.out());
        for (String key : new String[] {
            "\"iops\"",
            "\"mib_per_second\"",
            "\"p50\"",
            "\"p99\"",
            "\"p99_9\"",
            "\"max\"",
            "\"process_cpu_seconds\"",
            "\"cpu_seconds_per_million_ios\""
        }) {
            assertTrue(r.out().contains(key), key + " in " + r.out());
        }
        assertTrue(r.out().contains("\"errors\": 0"), r.out());
    }

    @Test
    void perfVerifiesWhatItWrote(@TempDir Path dir) {
        Run r = run(
                "perf",
                "emu://" + dir.resolve("disk.img") + "?size=16M",
                "-q",
                "4",
                "-o",
                "8192",
                "-w",
                "randrw",
                "-M",
                "70",
                "-t",
                "0.5",
                "--warmup",
                "0",
                "--verify",
                "-c",
                "2");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("randrw (70% reads)"), r.out());
        assertTrue(r.out().contains("verify       0 mismatches"), r.out());
        assertTrue(r.out().contains("2 threads"), r.out());
        Run seq = run("perf", "emu://?size=4M", "-q", "2", "-w", "write", "-t", "0.3", "--warmup", "0");
        assertEquals(0, seq.exit(), seq.err() + seq.out());
        assertTrue(seq.out().contains("writes)"), seq.out());
    }

    @Test
    void badCommandLinesExitTwoWithTheFix() {
        Run none = run();
        assertEquals(2, none.exit());
        assertTrue(none.out().contains("usage: nvme COMMAND"), none.out());
        Run unknown = run("format", "emu://?size=1M");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown command 'format'"), unknown.err());
        Run depth = run("perf", "emu://?size=1M", "-q", "zero");
        assertEquals(2, depth.exit());
        assertTrue(depth.err().contains("-q wants a number from 1 to 65535"), depth.err());
        Run pattern = run("perf", "emu://?size=1M", "-w", "sideways");
        assertEquals(2, pattern.exit());
        assertTrue(pattern.err().contains("-w takes read, write"), pattern.err());
        Run odd = run("perf", "emu://?size=1M", "-o", "1000");
        assertEquals(2, odd.exit());
        Run tooBig = run("perf", "emu://?size=8M", "-o", "1M", "-t", "0.1");
        assertEquals(2, tooBig.exit());
        assertTrue(tooBig.err().contains("more than one command moves"), tooBig.err());
        Run noUri = run("identify");
        assertEquals(2, noUri.exit());
        assertTrue(run("perf", "--help").out().contains("usage: nvme perf"));
        assertTrue(run("identify", "--help").out().contains("usage: nvme identify"));
    }

    @Test
    void unusableDevicesExitOneWithTheReason() {
        Run r = run("identify", "pcie://0000:ff:1f.7");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("nvme identify: "), r.err());
        Run bad = run("identify", "nvme0");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("is not a device URI"), bad.err());
    }

    @Test
    void jsonEscapesAndUnits() {
        assertEquals("\"a\\\"b\\n\\u0001\"\n", Json.write("a\"b\n\u0001"));
        assertEquals("[\n  1,\n  2.500\n]\n", Json.write(java.util.List.of(1, 2.5)));
        assertEquals("1.50 GiB", Units.bytes(3L << 29));
        assertEquals("512 B", Units.bytes(512));
        assertEquals("128 KiB", Units.bytes(128 << 10));
    }
}
