package io.peregrine.bench.nvme;

import io.peregrine.e2e.lab.GuestLab;
import io.peregrine.e2e.lab.GuestResult;
import io.peregrine.e2e.lab.GuestSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Our userspace driver against the guest kernel's path, on the same emulated NVMe controller in
 * one guest boot: first the kernel's nvme driver (reloaded with a poll queue) driven by
 * {@code fio --ioengine=io_uring}, polled ({@code --hipri}) and interrupt-driven; then the
 * controller is unbound, bound to vfio-pci and driven by {@code nvme perf}. Same pattern, size,
 * depth and durations for each.
 *
 * <p>CPU is counted two ways for every run, over a window inside the steady state, per million
 * I/Os: the process's own CPU time (fio's utime+stime from /proc, which with {@code --hipri}
 * includes the kernel's polling in fio's context; the JVM's process CPU time for us, all its
 * threads included), and the whole guest's busy time from /proc/stat (which also catches
 * interrupt work charged to no process, but is tick-sampled: under TCG, where timer ticks are
 * lost, it undercounts badly, so the per-process figure is the one to compare). Interrupt-driven
 * fio's completion work runs in interrupt context and is not charged to fio: its per-process
 * figure is a lower bound. Under TCG everything is slow; the ratios are what count.
 *
 * <p>usage: GuestKernelComparison [SECONDS] [WARMUP_SECONDS] [PATTERN] — prints a table and writes
 * {@code bench/target/nvme-guest-comparison.json}.
 */
public final class GuestKernelComparison {

    private GuestKernelComparison() {}

    private static final String USAGE = "usage: ./peregrine bench-nvme-guest [SECONDS] [WARMUP_SECONDS] [PATTERN]\n"
            + "  nvme perf (userspace, vfio-pci) against fio io_uring on the guest kernel, one emulated controller;\n"
            + "  defaults 20 s measured after 10 s warm-up, randread; writes bench/target/nvme-guest-comparison.json\n";

    private static int seconds(String text, String what) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.print(
                "bench-nvme-guest: " + what + " must be a whole number of seconds, not '" + text + "'\n" + USAGE);
        System.exit(2);
        return 0;
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.print(USAGE);
            return;
        }
        int seconds = args.length > 0 ? seconds(args[0], "SECONDS") : 20;
        int warmup = args.length > 1 ? seconds(args[1], "WARMUP_SECONDS") : 10;
        String pattern = args.length > 2 ? args[2] : "randread";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        String script = SCRIPT.replace("@SECONDS@", Integer.toString(seconds))
                .replace("@WARMUP@", Integer.toString(warmup))
                .replace("@PATTERN@", pattern)
                .replace("@JAVA@", java)
                .replace("@CP@", classpath);
        GuestSpec spec = GuestSpec.builder()
                .nvme("1G")
                .cpus(2)
                .timeout(Duration.ofMinutes(20))
                .build();
        GuestResult result = GuestLab.fromClasspath().run(spec, List.of("bash", "-c", script));
        System.out.print(result.stdout());
        if (!result.stderr().isBlank()) System.err.print(result.stderr());
        if (!result.succeeded()) {
            System.err.println(result.describe());
            System.exit(1);
        }
        String json = result.stdout()
                .lines()
                .filter(l -> l.startsWith("RESULT "))
                .map(l -> l.substring("RESULT ".length()))
                .reduce((a, b) -> a + ",\n  " + b)
                .map(s -> "[\n  " + s + "\n]\n")
                .orElse("[]\n");
        Path out = Path.of("bench", "target", "nvme-guest-comparison.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** Runs as root in the guest; each run prints one "RESULT {json}" line. */
    private static final String SCRIPT = """
            set -u
            T=@SECONDS@; W=@WARMUP@; RW=@PATTERN@
            [ "$T" -ge 12 ] || { echo "measure at least 12 seconds"; exit 2; }
            BDF=""
            for d in /sys/bus/pci/devices/*; do
              if [ "$(cat $d/class)" = "0x010802" ]; then BDF=$(basename $d); break; fi
            done
            [ -n "$BDF" ] || { echo "no NVMe controller"; exit 1; }
            busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
            proc() { awk '{print $14+$15}' /proc/$1/stat; }   # the process's utime+stime, in ticks
            # kernel path: a poll queue lets io_uring --hipri poll for completions
            modprobe -r nvme 2>/dev/null; modprobe nvme poll_queues=1
            for i in $(seq 100); do [ -b /dev/nvme0n1 ] && break; sleep 0.1; done
            echo "kernel: $(cat /sys/block/nvme0n1/queue/io_poll 2>/dev/null) io_poll, device $(cat /sys/block/nvme0n1/device/model 2>/dev/null)"
            kernel_run() { # $1 = label, $2 = extra fio options
              fio --name=k --thread --filename=/dev/nvme0n1 --ioengine=io_uring --direct=1 --rw=$RW --bs=4k \
                  --iodepth=32 --time_based --ramp_time=$W --runtime=$T --group_reporting --output-format=json $2 \
                  > /tmp/fio.json &
              FIO=$!
              # sample well inside the steady state: TCG's clocks drift, and fio must still be running
              sleep $((W + 3)); a=$(busy); pa=$(proc $FIO); sleep $((T - 8)); b=$(busy); pb=$(proc $FIO)
              wait $FIO || { echo "fio $1 failed"; cat /tmp/fio.json; return; }
              read IOPS LAT P99 <<< $(/usr/bin/python3 - <<'PY'
            import json
            j = json.load(open('/tmp/fio.json'))['jobs'][0]
            side = j['read'] if j['read']['iops'] > 0 else j['write']
            print(side['iops'], side['clat_ns']['mean'] / 1000, side['clat_ns']['percentile'].get('99.000000', 0) / 1000)
            PY
              )
              awk -v l="$1" -v iops=$IOPS -v lat=$LAT -v p99=$P99 -v a=$a -v b=$b -v pa=$pa -v pb=$pb -v w=$((T - 8)) 'BEGIN {
                cpu = (b - a) / 100; pcpu = (pb - pa) / 100; mios = iops * w / 1e6;
                printf "RESULT {\\"path\\": \\"%s\\", \\"iops\\": %.0f, \\"latency_avg_us\\": %.1f, \\"latency_p99_us\\": %.1f, \\"window_seconds\\": %d, \\"process_cpu_seconds\\": %.2f, \\"process_cpu_seconds_per_million_ios\\": %.3f, \\"machine_busy_seconds\\": %.2f, \\"machine_cpu_seconds_per_million_ios\\": %.3f}\\n", l, iops, lat, p99, w, pcpu, pcpu / mios, cpu, cpu / mios }'
            }
            kernel_run "kernel io_uring polled (hipri)" "--hipri"
            kernel_run "kernel io_uring interrupts" ""
            # userspace path: the same controller, handed to vfio-pci
            modprobe -r nvme 2>/dev/null
            echo vfio-pci > /sys/bus/pci/devices/$BDF/driver_override
            echo $BDF > /sys/bus/pci/drivers_probe
            @JAVA@ --enable-native-access=ALL-UNNAMED -cp '@CP@' io.peregrine.nvme.tool.NvmeTool perf pcie://$BDF \\
                -q 32 -o 4096 -w $RW -t $T --warmup $W --json > /tmp/ours.json 2> /tmp/ours.err \\
                || { echo "nvme perf failed"; cat /tmp/ours.err; exit 1; }
            /usr/bin/python3 - <<'PY'
            import json
            r = json.load(open('/tmp/ours.json'))
            print('RESULT ' + json.dumps({'path': 'peregrine nvme perf (vfio)', 'iops': round(r['iops']),
                'latency_avg_us': round(r['latency_us']['avg'], 1), 'latency_p99_us': round(r['latency_us']['p99'], 1),
                'window_seconds': round(r['seconds'], 1),
                'process_cpu_seconds': round(r['process_cpu_seconds'], 2),
                'process_cpu_seconds_per_million_ios': round(r['cpu_seconds_per_million_ios'], 3),
                'machine_busy_seconds': round(r['system_cpu_seconds'], 2),
                'machine_cpu_seconds_per_million_ios': round(r['system_cpu_seconds_per_million_ios'], 3),
                'dma_hugepages': r['dma_hugepages']}))
            PY
            """;
}
