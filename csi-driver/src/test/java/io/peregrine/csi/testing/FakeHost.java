package io.peregrine.csi.testing;

import io.peregrine.csi.host.CommandResult;
import io.peregrine.csi.host.Commands;
import io.peregrine.csi.volume.PublishContext;
import io.peregrine.csi.volume.TargetAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node's kernel and tools in a temporary directory, for the node service's unit tests: it
 * answers the commands the plugin runs (nvme, mount, umount, blkid, mkfs, resize2fs,
 * xfs_growfs) by updating a sysfs tree, a /dev directory and a mountinfo file the way the
 * kernel would, and it plays the target side too (which subsystems exist, at which address,
 * for which host). Faults can be switched on: a target that refuses, a controller that loses
 * its path, an unmount that blocks, a connect that waits. Tests only.
 */
public final class FakeHost implements Commands {

    /** A volume the fake target exports. */
    private record Exported(UUID uuid, String nqn, TargetAddress address, String hostNqn, long sizeBytes) {}

    /** What is on a namespace block device. */
    private static final class Device {
        final String name;
        final String nqn;
        final String majorMinor;
        long sizeBytes;

        Device(String name, String nqn, String majorMinor, long sizeBytes) {
            this.name = name;
            this.nqn = nqn;
            this.majorMinor = majorMinor;
            this.sizeBytes = sizeBytes;
        }
    }

    private record Mount(
            int id, String majorMinor, String root, Path mountPoint, boolean readOnly, String fsType, String source) {}

    private final Path root;
    private final Path sys;
    private final Path dev;
    private final Path mountinfo;
    private final Map<String, Exported> exported = new LinkedHashMap<>();
    private final Map<String, Device> devices = new HashMap<>();
    private final Map<String, String> controllerNqn = new HashMap<>();
    private final List<Mount> mounts = new ArrayList<>();
    private final Set<String> refused = new HashSet<>();
    private final List<List<String>> history = new ArrayList<>();
    /** What each volume holds, kept on the target side: "", a filesystem type, or "PTTYPE=gpt". */
    private final Map<String, String> stored = new HashMap<>();

    private final Map<Path, String> lastMountOptions = new HashMap<>();
    private final Set<String> readOnlyDevices = new HashSet<>();
    private int nextController;
    private int nextSubsystem;
    private int nextMinor = 1;
    private int nextMountId = 100;
    private volatile boolean unmountHangs;
    private volatile CountDownLatch connectGate;
    private final java.util.concurrent.atomic.AtomicInteger connectsWaiting =
            new java.util.concurrent.atomic.AtomicInteger();

    public FakeHost(Path root) {
        this.root = root;
        this.sys = root.resolve("sys");
        this.dev = root.resolve("dev");
        this.mountinfo = root.resolve("mountinfo");
        mkdirs(sys.resolve("class/nvme"));
        mkdirs(sys.resolve("block"));
        mkdirs(sys.resolve("dev/block"));
        mkdirs(dev);
        writeMountinfo();
    }

    public Path sys() {
        return sys;
    }

    public Path dev() {
        return dev;
    }

    public Path mountinfo() {
        return mountinfo;
    }

    public Path root() {
        return root;
    }

    // --------------------------------------------------------------------- target side

    /** Exports a volume at 192.0.2.1:4420 for {@code hostNqn}; what ControllerPublish would hand out. */
    public synchronized PublishContext export(UUID uuid, long sizeBytes, String hostNqn) {
        TargetAddress address = TargetAddress.tcp("192.0.2.1", 4420);
        String nqn = "nqn.2026-11.io.peregrine:vol:" + uuid;
        exported.put(nqn, new Exported(uuid, nqn, address, hostNqn, sizeBytes));
        return new PublishContext(nqn, List.of(address), nguid(uuid), Optional.of(uuid));
    }

    /** The target grows the volume; the host sees it after a rescan. */
    public synchronized void grow(UUID uuid, long sizeBytes) {
        String nqn = "nqn.2026-11.io.peregrine:vol:" + uuid;
        Exported e = exported.get(nqn);
        exported.put(nqn, new Exported(e.uuid(), nqn, e.address(), e.hostNqn(), sizeBytes));
    }

    /** Connections to this address are refused. */
    public synchronized void refuse(TargetAddress address) {
        refused.add(address.traddr() + ":" + address.trsvcid());
    }

    /** ... and accepted again. */
    public synchronized void accept(TargetAddress address) {
        refused.remove(address.traddr() + ":" + address.trsvcid());
    }

    /** Controllers of {@code nqn} lose their path: the kernel is reconnecting. */
    public synchronized void losePath(String nqn) {
        controllerNqn.forEach((c, n) -> {
            if (n.equals(nqn)) write(sys.resolve("class/nvme").resolve(c).resolve("state"), "connecting");
        });
    }

    /** The namespace device disappears (controller-loss timeout expired). */
    public synchronized void removeNamespace(String nqn) {
        for (String c : new ArrayList<>(controllerNqn.keySet())) {
            if (controllerNqn.get(c).equals(nqn)) deleteController(c);
        }
        devices.values().removeIf(d -> {
            if (!d.nqn.equals(nqn)) return false;
            deleteNamespaceFiles(d);
            return true;
        });
    }

    /** Puts something on the device of volume {@code uuid} before the plugin sees it. */
    public synchronized void preformat(UUID uuid, String content) {
        stored.put("nqn.2026-11.io.peregrine:vol:" + uuid, content);
    }

    public void unmountHangs(boolean hang) {
        this.unmountHangs = hang;
    }

    /** nvme connect waits until the latch opens. */
    public CountDownLatch holdConnects() {
        CountDownLatch latch = new CountDownLatch(1);
        connectGate = latch;
        return latch;
    }

    // ----------------------------------------------------------------------- inspection

    /** How many nvme connects are held by {@link #holdConnects()} right now. */
    public int connectsWaiting() {
        return connectsWaiting.get();
    }

    public synchronized List<List<String>> history() {
        return List.copyOf(history);
    }

    public synchronized long count(String program) {
        return history.stream().filter(c -> c.getFirst().equals(program)).count();
    }

    public synchronized List<String> controllersOf(String nqn) {
        return controllerNqn.entrySet().stream()
                .filter(e -> e.getValue().equals(nqn))
                .map(Map.Entry::getKey)
                .toList();
    }

    public synchronized boolean isMounted(Path path) {
        return mounts.stream().anyMatch(m -> m.mountPoint().equals(path));
    }

    public synchronized Optional<String> mountOptions(Path path) {
        return mounts.stream()
                .filter(m -> m.mountPoint().equals(path))
                .map(m -> m.readOnly() ? "ro" : "rw")
                .findFirst();
    }

    public synchronized int mountCount() {
        return mounts.size();
    }

    public synchronized Optional<String> content(UUID uuid) {
        return Optional.ofNullable(stored.get("nqn.2026-11.io.peregrine:vol:" + uuid));
    }

    // ------------------------------------------------------------------------- commands

    @Override
    public CommandResult run(Duration limit, List<String> argv) {
        CountDownLatch gate = connectGate;
        if (gate != null
                && argv.size() > 1
                && argv.get(0).equals("nvme")
                && argv.get(1).equals("connect")) {
            connectsWaiting.incrementAndGet();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                connectsWaiting.decrementAndGet();
            }
        }
        synchronized (this) {
            history.add(List.copyOf(argv));
            try {
                return switch (argv.getFirst()) {
                    case "nvme" -> nvme(argv);
                    case "mount" -> mount(argv);
                    case "umount" -> umount(argv);
                    case "blkid" -> blkid(argv);
                    case "mkfs.ext4", "mkfs.xfs" -> mkfs(argv);
                    case "resize2fs", "xfs_growfs" -> ok(argv, "");
                    case "blockdev" -> blockdev(argv);
                    default -> fail(argv, 127, argv.getFirst() + ": command not found");
                };
            } finally {
                writeMountinfo();
            }
        }
    }

    private CommandResult nvme(List<String> argv) {
        Map<String, String> opts = options(argv);
        switch (argv.get(1)) {
            case "connect" -> {
                String nqn = opts.get("--nqn");
                String where = opts.get("--traddr") + ":" + opts.get("--trsvcid");
                Exported e = exported.get(nqn);
                if (refused.contains(where)
                        || e == null
                        || !where.equals(
                                e.address().traddr() + ":" + e.address().trsvcid())) {
                    return fail(
                            argv,
                            1,
                            "Failed to write to /dev/nvme-fabrics: Connection refused\n"
                                    + "could not add new controller: connection refused");
                }
                if (!opts.get("--hostnqn").equals(e.hostNqn())) {
                    return fail(argv, 1, "could not add new controller: failed to write to nvme-fabrics device");
                }
                boolean already = controllerNqn.entrySet().stream()
                        .anyMatch(c -> c.getValue().equals(nqn)
                                && read(sys.resolve("class/nvme")
                                                .resolve(c.getKey())
                                                .resolve("address"))
                                        .contains("traddr=" + opts.get("--traddr") + ","));
                if (already)
                    return fail(argv, 114, "Failed to write to /dev/nvme-fabrics: Operation already in progress");
                String controller = "nvme" + nextController++;
                Path c = sys.resolve("class/nvme").resolve(controller);
                mkdirs(c);
                write(c.resolve("subsysnqn"), nqn);
                write(c.resolve("state"), "live");
                write(c.resolve("transport"), "tcp");
                write(
                        c.resolve("address"),
                        "traddr=" + opts.get("--traddr") + ",trsvcid=" + opts.get("--trsvcid") + ",src_addr=192.0.2.9");
                controllerNqn.put(controller, nqn);
                if (devices.values().stream().noneMatch(d -> d.nqn.equals(nqn))) createNamespace(e);
                return ok(argv, "");
            }
            case "disconnect" -> {
                String nqn = opts.get("--nqn");
                int n = 0;
                for (String c : new ArrayList<>(controllerNqn.keySet())) {
                    if (controllerNqn.get(c).equals(nqn)) {
                        deleteController(c);
                        n++;
                    }
                }
                devices.values().removeIf(d -> {
                    if (!d.nqn.equals(nqn)) return false;
                    deleteNamespaceFiles(d);
                    return true;
                });
                return ok(argv, "NQN:" + nqn + " disconnected " + n + " controller(s)");
            }
            case "ns-rescan" -> {
                String controller = Path.of(argv.get(2)).getFileName().toString();
                String nqn = controllerNqn.get(controller);
                if (nqn == null) return fail(argv, 1, "no controller " + controller);
                Exported e = exported.get(nqn);
                devices.values().stream().filter(d -> d.nqn.equals(nqn)).forEach(d -> {
                    d.sizeBytes = e.sizeBytes();
                    write(sys.resolve("block").resolve(d.name).resolve("size"), Long.toString(e.sizeBytes() / 512));
                });
                return ok(argv, "");
            }
            default -> {
                return fail(argv, 1, "unknown nvme command " + argv.get(1));
            }
        }
    }

    private void createNamespace(Exported e) {
        String name = "nvme" + nextSubsystem++ + "n1";
        String majorMinor = "259:" + nextMinor++;
        Device d = new Device(name, e.nqn(), majorMinor, e.sizeBytes());
        devices.put(name, d);
        Path b = sys.resolve("block").resolve(name);
        mkdirs(b.resolve("device"));
        write(b.resolve("device/subsysnqn"), e.nqn());
        write(b.resolve("dev"), majorMinor);
        write(b.resolve("size"), Long.toString(e.sizeBytes() / 512));
        write(b.resolve("nguid"), e.uuid().toString());
        write(b.resolve("uuid"), e.uuid().toString());
        try {
            Files.createSymbolicLink(sys.resolve("dev/block").resolve(majorMinor), b);
            Files.createFile(dev.resolve(name));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private void deleteNamespaceFiles(Device d) {
        deleteTree(sys.resolve("block").resolve(d.name));
        deleteTree(sys.resolve("dev/block").resolve(d.majorMinor));
        deleteTree(dev.resolve(d.name));
    }

    private void deleteController(String controller) {
        deleteTree(sys.resolve("class/nvme").resolve(controller));
        controllerNqn.remove(controller);
    }

    private CommandResult mount(List<String> argv) {
        if (argv.get(1).equals("--bind")) {
            Path source = Path.of(argv.get(2));
            Path target = Path.of(argv.get(3));
            if (!Files.exists(target)) return fail(argv, 32, "mount point " + target + " does not exist");
            Optional<Mount> under = last(source);
            Mount m;
            if (source.startsWith(dev)) {
                m = new Mount(nextMountId++, "0:5", "/" + source.getFileName(), target, false, "devtmpfs", "udev");
            } else if (under.isPresent()) {
                Mount u = under.get();
                m = new Mount(nextMountId++, u.majorMinor(), u.root(), target, false, u.fsType(), u.source());
            } else {
                m = new Mount(nextMountId++, "8:1", source.toString(), target, false, "ext4", "/dev/sda1");
            }
            mounts.add(m);
            return ok(argv, "");
        }
        if (argv.get(1).equals("-o") && argv.get(2).startsWith("remount")) {
            Path target = Path.of(argv.get(3));
            Optional<Mount> m = last(target);
            if (m.isEmpty()) return fail(argv, 32, target + " not mounted");
            mounts.remove(m.get());
            mounts.add(new Mount(
                    m.get().id(),
                    m.get().majorMinor(),
                    m.get().root(),
                    target,
                    argv.get(2).contains("ro"),
                    m.get().fsType(),
                    m.get().source()));
            return ok(argv, "");
        }
        // mount -t FS [-o OPTS] SOURCE TARGET
        String fs = argv.get(2);
        boolean hasOptions = argv.get(3).equals("-o");
        String options = hasOptions ? argv.get(4) : "";
        Path source = Path.of(argv.get(hasOptions ? 5 : 3));
        Path target = Path.of(argv.get(hasOptions ? 6 : 4));
        Device d = devices.get(source.getFileName().toString());
        if (d == null || !Files.exists(source)) return fail(argv, 32, "special device " + source + " does not exist");
        if (!Files.isDirectory(target)) return fail(argv, 32, "mount point " + target + " does not exist");
        if (!content(d).equals(fs)) {
            return fail(argv, 32, "wrong fs type, bad option, bad superblock on " + source);
        }
        mounts.add(new Mount(
                nextMountId++,
                d.majorMinor,
                "/",
                target,
                List.of(options.split(",")).contains("ro"),
                fs,
                source.toString()));
        lastMountOptions.put(target, options);
        return ok(argv, "");
    }

    /** The -o options the last filesystem mount at {@code target} was given. */
    public synchronized String mountFlags(Path target) {
        return lastMountOptions.getOrDefault(target, "");
    }

    private CommandResult umount(List<String> argv) {
        boolean lazy = argv.get(1).equals("-l");
        Path target = Path.of(argv.get(lazy ? 2 : 1));
        Optional<Mount> m = last(target);
        if (m.isEmpty()) return fail(argv, 32, "umount: " + target + ": not mounted");
        if (unmountHangs && !lazy) {
            return new CommandResult(argv, -1, "", "", true, Duration.ofSeconds(5));
        }
        mounts.remove(m.get());
        return ok(argv, "");
    }

    private CommandResult blkid(List<String> argv) {
        Device d = devices.get(Path.of(argv.getLast()).getFileName().toString());
        if (d == null) return fail(argv, 2, "");
        String content = content(d);
        if (content.isEmpty()) return fail(argv, 2, "");
        if (content.startsWith("PTTYPE=")) return ok(argv, "DEVNAME=" + argv.getLast() + "\n" + content + "\n");
        return ok(argv, "DEVNAME=" + argv.getLast() + "\nUUID=x\nTYPE=" + content + "\n");
    }

    private CommandResult blockdev(List<String> argv) {
        String name = Path.of(argv.getLast()).getFileName().toString();
        if (!devices.containsKey(name)) return fail(argv, 1, "blockdev: cannot open " + argv.getLast());
        if (argv.get(1).equals("--setro")) readOnlyDevices.add(name);
        else readOnlyDevices.remove(name);
        return ok(argv, "");
    }

    /** Whether the device of volume {@code uuid} has the kernel's read-only flag set. */
    public synchronized boolean deviceReadOnly(UUID uuid) {
        return devices.values().stream()
                .anyMatch(
                        d -> d.nqn.equals("nqn.2026-11.io.peregrine:vol:" + uuid) && readOnlyDevices.contains(d.name));
    }

    private CommandResult mkfs(List<String> argv) {
        Device d = devices.get(Path.of(argv.getLast()).getFileName().toString());
        if (d == null) return fail(argv, 1, argv.getLast() + ": no such device");
        stored.put(d.nqn, argv.getFirst().substring("mkfs.".length()));
        return ok(argv, "");
    }

    private String content(Device d) {
        return stored.getOrDefault(d.nqn, "");
    }

    // ------------------------------------------------------------------------- helpers

    private Optional<Mount> last(Path mountPoint) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            if (mounts.get(i).mountPoint().equals(mountPoint)) return Optional.of(mounts.get(i));
        }
        return Optional.empty();
    }

    private void writeMountinfo() {
        StringBuilder s = new StringBuilder("1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
        for (Mount m : mounts) {
            s.append(m.id())
                    .append(" 1 ")
                    .append(m.majorMinor())
                    .append(' ')
                    .append(escape(m.root()))
                    .append(' ')
                    .append(escape(m.mountPoint().toString()))
                    .append(m.readOnly() ? " ro,relatime" : " rw,relatime")
                    .append(" shared:2 - ")
                    .append(m.fsType())
                    .append(' ')
                    .append(m.source())
                    .append(" rw\n");
        }
        write(mountinfo, s.toString());
    }

    private static String escape(String path) {
        return path.replace("\\", "\\134").replace(" ", "\\040");
    }

    private static Map<String, String> options(List<String> argv) {
        Map<String, String> opts = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return opts;
    }

    private static CommandResult ok(List<String> argv, String out) {
        return new CommandResult(argv, 0, out, "", false, Duration.ofMillis(1));
    }

    private static CommandResult fail(List<String> argv, int code, String err) {
        return new CommandResult(argv, code, "", err, false, Duration.ofMillis(1));
    }

    private static String nguid(UUID uuid) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return HexFormat.of().formatHex(b.array());
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String s) {
        try {
            Files.writeString(p, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path p) {
        try {
            if (Files.isSymbolicLink(p) || !Files.isDirectory(p)) {
                Files.deleteIfExists(p);
                return;
            }
            try (var walk = Files.walk(p)) {
                for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
