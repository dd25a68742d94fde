package io.peregrine.dataplane.cli;

import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.NodeInfo;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./peregrine node status}: the node's daemon, its health, reactors, memory and devices. */
public final class NodeCommand {

    static final CommandGroup GROUP = new CommandGroup(
            "node",
            "The node's dataplane daemon: what it is and whether it is well.",
            "",
            List.of(Subcommand.named("status")
                    .summary("node info and health: reactors, hugepages, devices with SMART health")
                    .description("""
                            Shows the daemon's node: name, version, host NQN, NVMe/TCP listeners; its health
                            and each check behind it; every reactor's state and busy/idle time (an idle node
                            should be parked, near 0% busy); DMA memory (hugepages, or the slower 4 KiB
                            fallback); and the block devices it can build pools on, with NVMe SMART health
                            (temperature, wear, media errors, critical warnings) where they report it.
                            Exit status 0 when serving or degraded, 1 when not serving.""")
                    .examples("./peregrine node status", "./peregrine node status -o json")
                    .handler(NodeCommand::status)));

    private NodeCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, Environment.system(), System.out, System.err));
    }

    static int run(String[] args, Environment env, PrintStream out, PrintStream err) {
        return GROUP.run(args, env, out, err);
    }

    private static int status(Invocation inv) throws UsageException {
        NodeInfo info = inv.daemon().nodeInfo();
        Health health = inv.daemon().health();
        Map<String, com.google.protobuf.MessageOrBuilder> parts = new LinkedHashMap<>();
        parts.put("node", info);
        parts.put("health", health);
        inv.output().print(Output.document(parts), () -> NodeViews.status(info, health));
        return health.getStatus() == Health.Status.NOT_SERVING ? ExitStatus.FAILED : ExitStatus.OK;
    }
}
