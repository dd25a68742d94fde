package io.peregrine.nvme.tool;

import io.peregrine.nvme.dma.DmaException;
import io.peregrine.nvme.driver.NvmeException;
import io.peregrine.nvme.os.ErrnoException;
import io.peregrine.nvme.vfio.VfioException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./peregrine nvme identify|perf ...}: look at an NVMe controller and measure it, through
 * this module's userspace driver (or its software model).
 */
public final class NvmeTool {

    private static final String USAGE = """
            usage: nvme COMMAND URI [OPTION]...

            commands:
              identify URI [--json]      the controller, its namespaces and its SMART health
              perf URI [-q N] [-o BYTES] [-w PATTERN] [-t SECONDS] [--verify] [--json] ...
                                         IOPS, MiB/s, latency percentiles and CPU per I/O

            URIs:
              pcie://0000:00:05.0        a controller bound to vfio-pci (run as root)
              emu://?size=1G             the software controller over memory
              emu:///path/disk.img?size=10G   ... over a file
              emu://?null&size=1T        ... over nothing (measures the driver alone)

            'nvme identify --help' and 'nvme perf --help' tell more.
            """;

    private NvmeTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "identify" -> IdentifyCommand.run(rest, out);
                case "perf" -> PerfCommand.run(rest, out);
                default -> throw new UsageException("unknown command '" + args[0] + "'\n" + USAGE);
            };
        } catch (UsageException e) {
            err.println("nvme: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | VfioException | DmaException | NvmeException | ErrnoException e) {
            err.println("nvme " + args[0] + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("nvme " + args[0] + ": interrupted");
            return 130;
        }
    }
}
