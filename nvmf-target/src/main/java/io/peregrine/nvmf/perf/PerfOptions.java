package io.peregrine.nvmf.perf;

import io.peregrine.nvmf.target.Sizes;
import java.time.Duration;

/** The command line of {@code ./peregrine perf}, checked. */
public record PerfOptions(
        TransportId target,
        int queueDepth,
        int ioSize,
        Workload workload,
        int readPercent,
        Duration time,
        Duration warmup,
        boolean verify,
        boolean json,
        int queues,
        int threads,
        boolean headerDigest,
        boolean dataDigest,
        long span,
        long spinMicros,
        Duration ioTimeout,
        Duration keepAlive) {

    static final String USAGE = """
            usage: ./peregrine perf -r 'trtype:tcp traddr:ADDR trsvcid:PORT subnqn:NQN [hostnqn:NQN] [ns:NSID]'
                                    -q DEPTH -o SIZE -w WORKLOAD [-M READ%] -t SECONDS [OPTION]...

            Drives I/O at an NVMe/TCP subsystem through the Java host and reports IOPS, MiB/s,
            latency (avg, p50, p99, p99.9, max) and its own CPU use.

              -r TRID         the controller to connect to (SPDK transport ID form)
              -q DEPTH        commands in flight per queue (default 32)
              -o SIZE         I/O size, a multiple of the block size (default 4096; 4K, 64K... work)
              -w WORKLOAD     read, write, randread, randwrite or randrw
              -M READ%        read percentage of randrw (default 50)
              -t SECONDS      measured run time (default 10)
              --warmup SEC    unmeasured time before (default 2)
              --verify        stamp every written block with its LBA and a generation, check both
                              on every read (read workloads write the span first)
              --json          print the result as one JSON object
              --queues N      I/O queues (connections) to drive (default 1)
              --threads N     event loop threads (default 1)
              --hdgst/--ddgst header / data digests
              --span SIZE     limit I/O to the first SIZE bytes of the namespace
              --spin-us N     keep polling N microseconds after activity before sleeping
                              (default 0; with polling the loop's CPU reads near 100% under load)
              --io-timeout S  give up on the connection when a command is outstanding S seconds
                              (default 30; 0 waits forever)
              --kato S        keep alive timeout: a controller silent for S seconds is given up
                              (default 5; 0 sends no Keep Alive)

            Exits 0 after a clean run, 1 on I/O errors, verify mismatches or a lost connection
            (one line on stderr: "connection to ADDR:PORT lost after N I/Os: why"), 2 on bad usage.
            """;

    public static PerfOptions parse(String[] args) {
        String trid = null;
        int depth = 32;
        int ioSize = 4096;
        Workload workload = null;
        Integer mix = null;
        double seconds = 10;
        double warmup = 2;
        boolean verify = false;
        boolean json = false;
        int queues = 1;
        int threads = 1;
        boolean hdgst = false;
        boolean ddgst = false;
        long span = 0;
        long spin = 0;
        double ioTimeout = 30;
        double kato = 5;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-r" -> trid = value(args, ++i, arg);
                case "-q" -> depth = positive(value(args, ++i, arg), arg);
                case "-o" -> ioSize = (int) Math.min(Integer.MAX_VALUE, Sizes.parse(value(args, ++i, arg)));
                case "-w" -> workload = Workload.parse(value(args, ++i, arg));
                case "-M" -> mix = Integer.parseInt(value(args, ++i, arg));
                case "-t" -> seconds = Double.parseDouble(value(args, ++i, arg));
                case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, arg));
                case "--verify" -> verify = true;
                case "--json" -> json = true;
                case "--queues" -> queues = positive(value(args, ++i, arg), arg);
                case "--threads" -> threads = positive(value(args, ++i, arg), arg);
                case "--hdgst" -> hdgst = true;
                case "--ddgst" -> ddgst = true;
                case "--span" -> span = Sizes.parse(value(args, ++i, arg));
                case "--spin-us" -> spin = Long.parseLong(value(args, ++i, arg));
                case "--io-timeout" -> ioTimeout = seconds(value(args, ++i, arg), arg);
                case "--kato" -> kato = seconds(value(args, ++i, arg), arg);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        if (trid == null) throw new IllegalArgumentException("-r is required: which controller to drive");
        if (workload == null)
            throw new IllegalArgumentException("-w is required: read, write, randread, randwrite or randrw");
        int readPercent = workload.readPercent();
        if (mix != null) {
            if (workload != Workload.RANDRW) throw new IllegalArgumentException("-M only applies to -w randrw");
            if (mix < 0 || mix > 100) throw new IllegalArgumentException("-M is a percentage, got " + mix);
            readPercent = mix;
        } else if (readPercent < 0) {
            readPercent = 50;
        }
        if (seconds <= 0) throw new IllegalArgumentException("-t must be positive, got " + seconds);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must not be negative");
        if (ioSize < 512 || ioSize % 512 != 0)
            throw new IllegalArgumentException("-o must be a multiple of 512, got " + ioSize);
        return new PerfOptions(
                TransportId.parse(trid),
                depth,
                ioSize,
                workload,
                readPercent,
                Duration.ofMillis((long) (seconds * 1000)),
                Duration.ofMillis((long) (warmup * 1000)),
                verify,
                json,
                queues,
                threads,
                hdgst,
                ddgst,
                span,
                spin,
                Duration.ofMillis((long) (ioTimeout * 1000)),
                Duration.ofMillis((long) (kato * 1000)));
    }

    private static double seconds(String text, String option) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number of seconds, got " + text);
        }
        if (!(value >= 0) || value > 86_400)
            throw new IllegalArgumentException(option + " must be 0..86400 seconds, got " + text);
        return value;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    private static int positive(String text, String option) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + text);
        }
        if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        return value;
    }
}
