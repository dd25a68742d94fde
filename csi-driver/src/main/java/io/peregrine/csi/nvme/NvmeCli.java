package io.peregrine.csi.nvme;

import io.peregrine.csi.host.CommandResult;
import io.peregrine.csi.host.Commands;
import io.peregrine.csi.host.HostException;
import io.peregrine.csi.volume.TargetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NvmeFabrics} through nvme-cli. Every call has a limit. The controller-loss timeout
 * (how long the kernel keeps reconnecting a lost path, queueing I/O meanwhile) and the
 * reconnect delay are set per connection: a target that restarts within the loss timeout is
 * picked up again without the filesystem above noticing.
 */
public final class NvmeCli implements NvmeFabrics {

    /** Connection tuning; see nvme-connect(1). */
    public record ConnectOptions(int ctrlLossTmoSeconds, int reconnectDelaySeconds, int keepAliveTmoSeconds) {}

    private final Commands commands;
    private final ConnectOptions options;
    private final Duration limit;

    public NvmeCli(Commands commands, ConnectOptions options, Duration limit) {
        this.commands = commands;
        this.options = options;
        this.limit = limit;
    }

    @Override
    public void connect(TargetAddress target, String nqn, HostIdentity host) {
        List<String> argv = new ArrayList<>(List.of(
                "nvme",
                "connect",
                "--transport=" + target.trtype(),
                "--traddr=" + target.traddr(),
                "--trsvcid=" + target.trsvcid(),
                "--nqn=" + nqn,
                "--hostnqn=" + host.hostNqn(),
                "--hostid=" + host.hostId(),
                "--ctrl-loss-tmo=" + options.ctrlLossTmoSeconds(),
                "--reconnect-delay=" + options.reconnectDelaySeconds(),
                "--keep-alive-tmo=" + options.keepAliveTmoSeconds()));
        CommandResult result = commands.run(limit, argv);
        if (result.succeeded()) return;
        // nvme-cli refuses a second connection to the same subsystem over the same path
        // (EALREADY) unless --duplicate-connect: for us that is success, the caller checks sysfs
        String text = (result.stderr() + result.stdout()).toLowerCase(java.util.Locale.ROOT);
        if (!result.timedOut() && text.contains("already")) return;
        throw new HostException(result);
    }

    @Override
    public void disconnect(String nqn) {
        CommandResult result = commands.run(limit, "nvme", "disconnect", "--nqn=" + nqn);
        if (!result.succeeded()) throw new HostException(result);
    }

    @Override
    public void rescan(String controller) {
        CommandResult result = commands.run(limit, "nvme", "ns-rescan", "/dev/" + controller);
        if (!result.succeeded()) throw new HostException(result);
    }
}
