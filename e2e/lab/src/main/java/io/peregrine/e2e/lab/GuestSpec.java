package io.peregrine.e2e.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The shape of one throw-away guest: its NVMe controllers, memory, shares, forwarded ports and
 * limits. Immutable; built with {@link #builder()} and turned into {@code guest-lab} options by
 * {@link #toOptions()}.
 */
public record GuestSpec(
        List<String> nvme,
        String memory,
        int cpus,
        int hugepages,
        List<Path> shares,
        List<PortForward> forwards,
        Map<String, String> environment,
        List<String> modules,
        Duration timeout,
        Path console) {

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[KMGT]");
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[MG]");

    /** Host 127.0.0.1:{@code host} reaches guest TCP port {@code guest}. */
    public record PortForward(int host, int guest) {
        public PortForward {
            if (host < 1 || host > 65535 || guest < 1 || guest > 65535) {
                throw new IllegalArgumentException("ports must be 1..65535, got " + host + ":" + guest);
            }
        }
    }

    public GuestSpec {
        nvme = List.copyOf(nvme);
        shares = List.copyOf(shares);
        forwards = List.copyOf(forwards);
        environment = Map.copyOf(environment);
        modules = List.copyOf(modules);
        Objects.requireNonNull(timeout, "timeout");
        if (!MEMORY.matcher(memory).matches()) {
            throw new IllegalArgumentException("memory wants a size such as 2G or 1536M, got " + memory);
        }
        if (cpus < 1) throw new IllegalArgumentException("cpus must be at least 1, got " + cpus);
        if (hugepages < 0) throw new IllegalArgumentException("hugepages must not be negative");
        if (timeout.toSeconds() < 1) throw new IllegalArgumentException("timeout must be at least one second");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This guest with host {@code dir} mounted read-write at the same path as well. */
    public GuestSpec withShare(Path dir) {
        List<Path> more = new ArrayList<>(shares);
        more.add(dir);
        return new GuestSpec(nvme, memory, cpus, hugepages, more, forwards, environment, modules, timeout, console);
    }

    /** The {@code guest-lab} options that describe this guest (everything before {@code --}). */
    public List<String> toOptions() {
        List<String> options = new ArrayList<>();
        for (String size : nvme) {
            options.add("--nvme");
            options.add(size);
        }
        options.addAll(List.of("--mem", memory, "--cpus", Integer.toString(cpus)));
        options.addAll(List.of("--hugepages", Integer.toString(hugepages)));
        for (Path share : shares) {
            options.add("--share");
            options.add(share.toAbsolutePath().toString());
        }
        for (PortForward forward : forwards) {
            options.add("--hostfwd");
            options.add(forward.host() + ":" + forward.guest());
        }
        environment.forEach((name, value) -> {
            options.add("--env");
            options.add(name + "=" + value);
        });
        if (!modules.isEmpty()) {
            options.add("--modules");
            options.add(String.join(" ", modules));
        }
        options.add("--timeout");
        options.add(Long.toString(timeout.toSeconds()));
        if (console != null) {
            options.add("--console");
            options.add(console.toAbsolutePath().toString());
        }
        return options;
    }

    public static final class Builder {
        private final List<String> nvme = new ArrayList<>();
        private String memory = "2G";
        private int cpus = 2;
        private int hugepages = 64;
        private final List<Path> shares = new ArrayList<>();
        private final List<PortForward> forwards = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> modules = new ArrayList<>();
        private Duration timeout = Duration.ofMinutes(5);
        private Path console;

        private Builder() {}

        /** Adds an emulated NVMe controller whose namespace is a sparse temporary file of {@code size}. */
        public Builder nvme(String size) {
            if (!SIZE.matcher(size).matches()) {
                throw new IllegalArgumentException("NVMe size wants e.g. 256M or 1G, got " + size);
            }
            nvme.add(size);
            return this;
        }

        public Builder memory(String size) {
            this.memory = size;
            return this;
        }

        public Builder cpus(int count) {
            this.cpus = count;
            return this;
        }

        public Builder hugepages(int count) {
            this.hugepages = count;
            return this;
        }

        /** Mounts host {@code dir} read-write at the same path; everything else is copy-on-write. */
        public Builder share(Path dir) {
            shares.add(dir);
            return this;
        }

        public Builder forward(int hostPort, int guestPort) {
            forwards.add(new PortForward(hostPort, guestPort));
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder module(String name) {
            modules.add(name);
            return this;
        }

        /** Limit for the whole run, boot included. */
        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /** Keeps the guest's console log (kernel and init) in {@code file}. */
        public Builder console(Path file) {
            this.console = file;
            return this;
        }

        public GuestSpec build() {
            return new GuestSpec(
                    nvme, memory, cpus, hugepages, shares, forwards, environment, modules, timeout, console);
        }
    }
}
