package io.peregrine.e2e.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands and Java mains inside throw-away QEMU guests through the {@code guest-lab}
 * script (shipped in this jar; {@code ./peregrine lab} runs the same script). A guest sees the
 * host's filesystem read-only with a copy-on-write overlay, so the host's JDK and the current
 * test classpath run unchanged inside it.
 */
public final class GuestLab {

    /** PCI class code of an NVM Express I/O controller (base 01h, sub 08h, interface 02h). */
    public static final int NVME_CLASS = 0x010802;

    private static final String SCRIPT_RESOURCE = "guest-lab";
    /** First use may install QEMU and download a kernel: minutes, not seconds. */
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(20);
    /** Slack on top of the guest's own limit before this JVM gives up on the script. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    /**
     * Guest JVMs compile with C1 alone. With tiered compilation HotSpot makes a method's C1 code
     * not entrant once C2 has replaced it by patching a jump over its verified entry while other
     * threads may be entering it, which x86 hardware makes safe; QEMU's multi-threaded TCG does
     * not: now and then a vCPU runs the half-patched entry and the JVM dies with SIGILL or SIGSEGV
     * at entry+4 of a C1 frame. {@code GuestJitChurnProbe} does it with plain Java, no device.
     * With C1 only no code is replaced by a higher tier. A test may pass its own flag after this.
     */
    static final String GUEST_JIT = "-XX:TieredStopAtLevel=1";

    private final Path script;

    public GuestLab(Path script) {
        this.script = script;
    }

    /**
     * The lab whose script travels in this jar, unpacked once into the temporary directory
     * under a name that is the script's own hash (so concurrent JVMs and stale copies never
     * collide).
     */
    public static GuestLab fromClasspath() {
        byte[] body;
        try (InputStream in = GuestLab.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the guest-lab script is missing from the classpath");
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the guest-lab script", e);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "peregrine-lab");
        Path target = dir.resolve("guest-lab-" + sha256(body).substring(0, 16));
        try {
            if (!Files.exists(target)) {
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, "guest-lab", ".partial");
                Files.write(partial, body);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the guest-lab script into " + dir, e);
        }
        return new GuestLab(target);
    }

    /** Whether a guest can boot here; sets the lab up (packages, kernel) on first use. */
    public Availability check() {
        GuestResult result = execute(List.of("check"), SETUP_LIMIT);
        String message = result.stdout().strip();
        if (message.isEmpty()) {
            message = "guest lab cannot run here: " + result.stderr().strip();
        }
        return new Availability(result.succeeded(), message);
    }

    /** Runs {@code command} as root inside a guest shaped by {@code spec}, in this JVM's working directory. */
    public GuestResult run(GuestSpec spec, List<String> command) {
        if (command.isEmpty()) throw new IllegalArgumentException("no command to run in the guest");
        List<String> arguments = new ArrayList<>(spec.toOptions());
        arguments.add("--");
        arguments.addAll(command);
        return execute(arguments, spec.timeout().plus(GRACE));
    }

    /**
     * Runs {@code mainClass} from this JVM's classpath with this JVM's JDK inside a guest, with
     * the native-access and module flags this JVM was started with, {@link #GUEST_JIT}, and
     * {@code jvmOptions}. If that JVM crashes, the head of its fatal-error log is in
     * {@link GuestResult#jvmCrash()} (and in {@link GuestResult#describe()}): it writes the log
     * into a directory shared with the host.
     */
    public GuestResult runJava(GuestSpec spec, List<String> jvmOptions, String mainClass, List<String> args) {
        Path crashLogs = JvmCrashReport.newDirectory();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--enable-native-access")
                    || flag.startsWith("--add-opens")
                    || flag.startsWith("--add-exports")
                    || flag.equals("--enable-preview")) {
                command.add(flag);
            }
        }
        command.add(GUEST_JIT);
        command.add(JvmCrashReport.errorFileOption(crashLogs));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(testClassPath());
        command.add(mainClass);
        command.addAll(args);
        GuestResult result = run(spec.withShare(crashLogs), command);
        return result.withJvmCrash(JvmCrashReport.collect(crashLogs));
    }

    public GuestResult runJava(GuestSpec spec, Class<?> mainClass, String... args) {
        return runJava(spec, List.of(), mainClass.getName(), List.of(args));
    }

    /**
     * Surefire starts test JVMs from a manifest-only jar; the real classpath is in its own
     * property. Elsewhere {@code java.class.path} is the truth.
     */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private GuestResult execute(List<String> arguments, Duration limit) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(arguments);
        long started = System.nanoTime();
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("guest-lab", ".out");
            err = Files.createTempFile("guest-lab", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            int exit;
            if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = process.exitValue();
            } else {
                // the script's own timeout should have fired long ago: stop it and what it started
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                exit = GuestResult.TIMED_OUT;
            }
            return new GuestResult(
                    exit,
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a guest was running", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is harmless; the run's result matters more
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The answer of {@code guest-lab check}: ready or not, and a one-line why. */
    public record Availability(boolean ready, String message) {}
}
