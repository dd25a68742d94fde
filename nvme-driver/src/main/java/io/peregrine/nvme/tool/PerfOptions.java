package io.peregrine.nvme.tool;

import io.peregrine.nvme.DeviceUri;
import java.time.Duration;
import java.util.List;

/**
 * What {@code nvme perf} runs.
 *
 * @param depth       commands in flight per thread (-q)
 * @param ioSize      bytes per command (-o), a multiple of the block size
 * @param readPercent share of reads in randrw (-M)
 * @param rangeBytes  bytes of the namespace used, from LBA 0 (0 = all; --verify caps it at 1 GiB)
 */
record PerfOptions(
        DeviceUri uri,
        int depth,
        int ioSize,
        Workload workload,
        Duration time,
        Duration warmUp,
        int threads,
        int readPercent,
        boolean verify,
        boolean json,
        long rangeBytes,
        int nsid) {

    static final String USAGE = """
            usage: nvme perf URI [-q DEPTH] [-o BYTES] [-w PATTERN] [-t SECONDS] [options]

              URI            pcie://0000:00:05.0, emu://?size=1G, emu:///path?size=1G, emu://?null&size=1T
              -q DEPTH       commands in flight per thread (default 32)
              -o BYTES       bytes per command: 4096, 128K, ... (default 4096)
              -w PATTERN     read | write | randread | randwrite | randrw (default randread)
              -t SECONDS     measured run time (default 10)
              -M PERCENT     reads in randrw (default 50)
              -c THREADS     threads, each with its own queue pair (default 1)
              --warmup SECS  run this long first, unmeasured (default 1)
              --range BYTES  use only the first BYTES of the namespace (default all; 1G with --verify)
              --nsid N       namespace (default the first)
              --verify       write a pattern per block and check every read (prefills the range)
              --json         one JSON object instead of text
            """;

    static PerfOptions parse(List<String> args) {
        String uri = null;
        int depth = 32;
        int ioSize = 4096;
        Workload workload = Workload.RANDREAD;
        double seconds = 10;
        double warmUp = 1;
        int threads = 1;
        int readPercent = 50;
        boolean verify = false;
        boolean json = false;
        long range = 0;
        int nsid = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-q" -> depth = intArg(args, ++i, "-q", 1, 65535);
                case "-o" -> ioSize = (int) Math.min(Integer.MAX_VALUE, sizeArg(args, ++i, "-o"));
                case "-w" -> workload = Workload.parse(value(args, ++i, "-w"));
                case "-t" -> seconds = doubleArg(args, ++i, "-t");
                case "--warmup" -> warmUp = doubleArg(args, ++i, "--warmup");
                case "-c" -> threads = intArg(args, ++i, "-c", 1, 1024);
                case "-M" -> readPercent = intArg(args, ++i, "-M", 0, 100);
                case "--range" -> range = sizeArg(args, ++i, "--range");
                case "--nsid" -> nsid = intArg(args, ++i, "--nsid", 1, Integer.MAX_VALUE);
                case "--verify" -> verify = true;
                case "--json" -> json = true;
                default -> {
                    if (arg.startsWith("-")) throw new UsageException("perf: unknown option " + arg + "\n" + USAGE);
                    if (uri != null) throw new UsageException("perf: one URI only, got " + uri + " and " + arg);
                    uri = arg;
                }
            }
        }
        if (uri == null) throw new UsageException("perf: which controller?\n" + USAGE);
        if (ioSize < 512 || ioSize % 512 != 0) {
            throw new UsageException("perf: -o must be a multiple of 512 bytes, got " + ioSize);
        }
        if (seconds <= 0) throw new UsageException("perf: -t must be positive");
        if (warmUp < 0) throw new UsageException("perf: --warmup must not be negative");
        return new PerfOptions(
                DeviceUri.parse(uri),
                depth,
                ioSize,
                workload,
                Duration.ofMillis((long) (seconds * 1000)),
                Duration.ofMillis((long) (warmUp * 1000)),
                threads,
                readPercent,
                verify,
                json,
                range,
                nsid);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) throw new UsageException("perf: " + option + " needs a value\n" + USAGE);
        return args.get(i);
    }

    private static int intArg(List<String> args, int i, String option, int min, int max) {
        String v = value(args, i, option);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(
                    "perf: " + option + " wants a number from " + min + " to " + max + ", got '" + v + "'");
        }
    }

    private static double doubleArg(List<String> args, int i, String option) {
        String v = value(args, i, option);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("perf: " + option + " wants a number of seconds, got '" + v + "'");
        }
    }

    private static long sizeArg(List<String> args, int i, String option) {
        String v = value(args, i, option);
        try {
            return DeviceUri.parseSize(v, option);
        } catch (IllegalArgumentException e) {
            throw new UsageException("perf: " + option + " wants a size such as 4096, 128K or 1G, got '" + v + "'");
        }
    }
}
