package io.peregrine.dataplane.cli;

import static io.peregrine.dataplane.cli.Fixtures.EXPORT;
import static io.peregrine.dataplane.cli.Fixtures.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.TransportAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectCommandsTest {
    private static final String NQN = EXPORT.getSubsystemNqn();

    @Test
    void oneLinePerListenerAndHost() {
        Export e = EXPORT.toBuilder()
                .addAllowedHostNqns("nqn.2014-08.org.nvmexpress:uuid:other")
                .addListeners(TransportAddress.newBuilder()
                        .setTrtype("tcp")
                        .setAdrfam("ipv6")
                        .setTraddr("fd00::7")
                        .setTrsvcid("4420"))
                .build();
        assertEquals(
                List.of(
                        "nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + NQN + " --hostnqn " + HOST,
                        "nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + NQN
                                + " --hostnqn nqn.2014-08.org.nvmexpress:uuid:other",
                        "nvme connect -t tcp -a fd00::7 -s 4420 -n " + NQN + " --hostnqn " + HOST,
                        "nvme connect -t tcp -a fd00::7 -s 4420 -n " + NQN
                                + " --hostnqn nqn.2014-08.org.nvmexpress:uuid:other"),
                ConnectCommands.nvmeConnect(e, Optional.empty(), Optional.empty()));
    }

    @Test
    void anyHostUsesThisMachinesNqnOrNone() {
        Export any =
                EXPORT.toBuilder().clearAllowedHostNqns().setAllowAnyHost(true).build();
        assertEquals(
                List.of("nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + NQN),
                ConnectCommands.nvmeConnect(any, Optional.empty(), Optional.empty()));
        assertEquals(
                List.of("nvme connect -t tcp -a 127.0.0.1 -s 4420 -n " + NQN + " --hostnqn nqn.local"),
                ConnectCommands.nvmeConnect(any, Optional.empty(), Optional.of("nqn.local")));
        assertEquals(
                Optional.of("./peregrine perf -r 'trtype:tcp traddr:127.0.0.1 trsvcid:4420 subnqn:" + NQN
                        + "' -q 16 -o 4096 -w randrw -t 10 --verify"),
                ConnectCommands.perf(any, Optional.empty(), Optional.empty()));
    }

    @Test
    void aWildcardListenerTakesTheDaemonsAddressOrAPlaceholder() {
        Export wild = EXPORT.toBuilder()
                .clearListeners()
                .addListeners(TransportAddress.newBuilder()
                        .setTrtype("tcp")
                        .setAdrfam("ipv4")
                        .setTraddr("0.0.0.0")
                        .setTrsvcid("4420"))
                .setNamespaceId(2)
                .build();
        assertEquals(
                List.of("nvme connect -t tcp -a 10.0.0.7 -s 4420 -n " + NQN + " --hostnqn " + HOST),
                ConnectCommands.nvmeConnect(wild, Optional.of("10.0.0.7"), Optional.empty()));
        assertTrue(ConnectCommands.nvmeConnect(wild, Optional.empty(), Optional.empty())
                .getFirst()
                .contains("-a NODE_ADDRESS "));
        assertTrue(ConnectCommands.needsNodeAddress(wild, Optional.empty()));
        assertFalse(ConnectCommands.needsNodeAddress(wild, Optional.of("10.0.0.7")));
        assertTrue(ConnectCommands.perf(wild, Optional.empty(), Optional.empty())
                .orElseThrow()
                .contains(" ns:2'"));
        assertTrue(ExportViews.details(wild, null, Optional.empty(), Optional.empty())
                .contains("put this node's address for NODE_ADDRESS"));
    }

    @Test
    void noListenersNoLines() {
        Export none = EXPORT.toBuilder().clearListeners().build();
        assertEquals(List.of(), ConnectCommands.nvmeConnect(none, Optional.empty(), Optional.empty()));
        assertEquals(Optional.empty(), ConnectCommands.perf(none, Optional.empty(), Optional.empty()));
    }
}
