package io.peregrine.nvmf.target;

import io.peregrine.nvmf.buffer.NettyDefaults;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.namespace.Namespace;
import io.peregrine.nvmf.namespace.NullNamespace;
import io.peregrine.nvmf.tcp.SpinPolicy;
import io.peregrine.nvmf.tcp.TransportFlavor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./peregrine nvmf-target}: a standalone NVMe/TCP target exporting one RAM or null
 * namespace, for trying hosts against and for benchmarks. The dataplane daemon embeds {@link
 * NvmfTarget} instead.
 */
public final class TargetMain {
    private static final String USAGE = """
            usage: ./peregrine nvmf-target [OPTION]...

            Serves one namespace over NVMe/TCP until interrupted.

              --listen HOST:PORT    address to listen on (default 127.0.0.1:4420; port 0 = any free)
              --null SIZE           a null namespace (writes dropped, reads untouched) of SIZE
              --memory SIZE         a RAM namespace of SIZE (thin: memory is used as it is written)
              --block-size N        logical block size, 512 or 4096 (default 4096)
              --uuid UUID           volume UUID: NQN nqn.2026-11.io.peregrine:vol:UUID, NGUID and UUID
                                    derive from it (default: a random one)
              --nqn NQN             subsystem NQN instead of the volume form
              --allow-host NQN      host NQN allowed to connect (repeatable)
              --allow-any-host      let any host connect (off by default)
              --threads N           event loop threads (default 1)
              --flavor F            epoll, io_uring or nio (default epoll)
              --spin-us N           keep polling sockets N microseconds after activity before
                                    sleeping (default 0: always sleep in epoll_wait)
              --ready-file PATH     write "PORT NQN" to PATH once listening
            """;

    private TargetMain() {}

    public static void main(String[] args) throws Exception {
        NettyDefaults.forDataPath();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("nvmf-target: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.print(USAGE);
            return;
        }
        NvmfTarget target = NvmfTarget.builder()
                .threads(options.threads)
                .flavor(options.flavor)
                .spin(SpinPolicy.micros(options.spinMicros))
                .build();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            target.close();
                            stop.countDown();
                        },
                        "nvmf-target-shutdown"));
        Namespace namespace = options.memory
                ? new MemoryNamespace(options.blockSize, options.size / options.blockSize)
                : new NullNamespace(options.blockSize, options.size / options.blockSize);
        Subsystem subsystem;
        if (options.nqn != null) {
            subsystem = target.createSubsystem(options.nqn, serial(options.uuid), "Peregrine", 1);
            subsystem.addNamespace(1, namespace, options.uuid);
        } else {
            subsystem = target.exportVolume(options.uuid, namespace);
        }
        options.hosts.forEach(subsystem::allowHost);
        subsystem.allowAnyHost(options.anyHost);
        Port port = target.listen(options.listen);
        System.out.printf(
                Locale.ROOT,
                "nvmf-target: %s on tcp %s:%d, %s %s of %d-byte blocks, hosts: %s%n",
                subsystem.nqn(),
                options.listen.getHostString(),
                port.port(),
                options.memory ? "memory" : "null",
                options.sizeText,
                options.blockSize,
                options.anyHost ? "any" : options.hosts);
        if (options.readyFile != null) writeReady(options.readyFile, port.port() + " " + subsystem.nqn() + "\n");
        stop.await();
    }

    private static String serial(UUID uuid) {
        return uuid.toString().replace("-", "").substring(0, 20).toUpperCase(Locale.ROOT);
    }

    private static void writeReady(Path file, String line) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, line);
        Files.move(
                partial,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The parsed command line. */
    static final class Options {
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 4420);
        long size = 1L << 30;
        String sizeText = "1G";
        boolean memory;
        int blockSize = 4096;
        UUID uuid = UUID.randomUUID();
        String nqn;
        final List<String> hosts = new ArrayList<>();
        boolean anyHost;
        int threads = 1;
        TransportFlavor flavor = TransportFlavor.preferred();
        Path readyFile;
        long spinMicros;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> o.help = true;
                    case "--listen" -> o.listen = address(value(args, ++i, arg));
                    case "--null", "--memory" -> {
                        o.memory = arg.equals("--memory");
                        o.sizeText = value(args, ++i, arg);
                        o.size = Sizes.parse(o.sizeText);
                    }
                    case "--block-size" -> {
                        o.blockSize = Integer.parseInt(value(args, ++i, arg));
                        if (o.blockSize != 512 && o.blockSize != 4096) {
                            throw new IllegalArgumentException("--block-size is 512 or 4096, got " + o.blockSize);
                        }
                    }
                    case "--uuid" -> o.uuid = UUID.fromString(value(args, ++i, arg));
                    case "--nqn" -> o.nqn = Nqn.require(value(args, ++i, arg));
                    case "--allow-host" -> o.hosts.add(Nqn.require(value(args, ++i, arg)));
                    case "--allow-any-host" -> o.anyHost = true;
                    case "--threads" -> o.threads = Integer.parseInt(value(args, ++i, arg));
                    case "--flavor" ->
                        o.flavor = TransportFlavor.valueOf(value(args, ++i, arg).toUpperCase(Locale.ROOT));
                    case "--ready-file" -> o.readyFile = Path.of(value(args, ++i, arg));
                    case "--spin-us" -> o.spinMicros = Long.parseLong(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (o.help) {
                return o; // --help asks for nothing else: the checks below would only stand in its way
            }
            if (o.size % o.blockSize != 0) {
                throw new IllegalArgumentException("the size must be a multiple of the block size " + o.blockSize);
            }
            if (!o.anyHost && o.hosts.isEmpty()) {
                throw new IllegalArgumentException("no host may connect: give --allow-host NQN or --allow-any-host");
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
            return args[i];
        }

        static InetSocketAddress address(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
        }
    }
}
