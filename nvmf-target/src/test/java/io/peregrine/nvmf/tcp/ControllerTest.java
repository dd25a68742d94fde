package io.peregrine.nvmf.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.ErrorLogEntry;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.IdentifyNamespace;
import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.LogPageId;
import io.peregrine.nvme.spec.NamespaceIdDescriptor;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import io.peregrine.nvmf.core.Nqn;
import io.peregrine.nvmf.core.Port;
import io.peregrine.nvmf.core.Subsystem;
import io.peregrine.nvmf.fabrics.FabricsCommands;
import io.peregrine.nvmf.fabrics.spec.AsyncEvent;
import io.peregrine.nvmf.fabrics.spec.ConnectData;
import io.peregrine.nvmf.fabrics.spec.ConnectResponse;
import io.peregrine.nvmf.fabrics.spec.DiscoveryLogPage;
import io.peregrine.nvmf.fabrics.spec.FabricsCommand;
import io.peregrine.nvmf.namespace.MemoryNamespace;
import io.peregrine.nvmf.testing.LeakCheck;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller state machine seen from a host: Connect and its refusals, properties and CC.EN,
 * features, keep-alive, asynchronous events, logs, discovery, and management changes at run time.
 */
@ExtendWith(LeakCheck.class)
class ControllerTest {
    private final TargetFixture fixture = new TargetFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static int admin(Wire wire, int opcode, int nsid, int cdw10, int cdw11) {
        MemorySegment sqe = Wire.sqe(opcode);
        Sqe.nsid(sqe, 0, nsid);
        Sqe.cdw10(sqe, 0, cdw10);
        Sqe.cdw11(sqe, 0, cdw11);
        return wire.command(sqe, (byte[]) null);
    }

    private static MemorySegment identify(Wire wire, Cns cns, int nsid) {
        MemorySegment sqe = Wire.sqe(AdminOpcode.IDENTIFY.value());
        Sqe.nsid(sqe, 0, nsid);
        Sqe.cdw10(sqe, 0, Commands.identifyCdw10(cns, 0));
        return MemorySegment.ofArray(wire.dataThenResponse(wire.command(sqe, 4096)));
    }

    private static MemorySegment logPage(Wire wire, LogPageId lid, int bytes, boolean rae) {
        MemorySegment sqe = Wire.sqe(AdminOpcode.GET_LOG_PAGE.value());
        Sqe.nsid(sqe, 0, Commands.NSID_ALL);
        Sqe.cdw10(sqe, 0, Commands.getLogPageCdw10(lid.value(), bytes, rae));
        Sqe.cdw11(sqe, 0, Commands.getLogPageCdw11(bytes));
        return MemorySegment.ofArray(wire.dataThenResponse(wire.command(sqe, bytes)));
    }

    private static void assertStatus(StatusCode expected, int status) {
        assertTrue(
                Status.is(status, expected),
                () -> "expected " + expected.specName() + ", got " + Status.describe(status));
    }

    // ------------------------------------------------------------------ Connect

    @Test
    void connectRefusalsNameTheParameter() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            MemorySegment unknown = wire.connect(
                    0, 31, 0, TargetFixture.HOST_ID, 0xFFFF, Nqn.forVolume(UUID.randomUUID()), TargetFixture.HOSTNQN);
            assertStatus(StatusCode.CONNECT_INVALID_PARAMETERS, Wire.status(unknown));
            assertTrue(ConnectResponse.iattrData(Cqe.dw0(unknown, 0)));
            assertEquals(ConnectData.SUBNQN.offset(), ConnectResponse.ipo(Cqe.dw0(unknown, 0)));

            MemorySegment stranger = wire.connect(
                    0, 31, 0, UUID.randomUUID(), 0xFFFF, TargetFixture.SUBNQN, Nqn.forHost(UUID.randomUUID()));
            assertStatus(StatusCode.CONNECT_INVALID_HOST, Wire.status(stranger));
            assertTrue(Status.dnr(Wire.status(stranger)));

            MemorySegment huge = wire.connect(
                    0, 4096, 0, TargetFixture.HOST_ID, 0xFFFF, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
            assertStatus(StatusCode.CONNECT_INVALID_PARAMETERS, Wire.status(huge));
            assertFalse(ConnectResponse.iattrData(Cqe.dw0(huge, 0)));
            assertEquals(FabricsCommand.CONNECT_SQSIZE.offset(), ConnectResponse.ipo(Cqe.dw0(huge, 0)));

            MemorySegment staticModel =
                    wire.connect(0, 31, 0, TargetFixture.HOST_ID, 5, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
            assertEquals(ConnectData.CNTLID.offset(), ConnectResponse.ipo(Cqe.dw0(staticModel, 0)));
            assertTrue(wire.open(), "refused Connects do not end the connection");
            assertTrue(fixture.subsystem.controllers().isEmpty());
        }
    }

    @Test
    void allowAnyHostIsOffUntilTurnedOn() {
        assertFalse(fixture.subsystem.allowsAnyHost());
        String other = Nqn.forHost(UUID.randomUUID());
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            assertStatus(
                    StatusCode.CONNECT_INVALID_HOST,
                    Wire.status(wire.connect(0, 31, 0, UUID.randomUUID(), 0xFFFF, TargetFixture.SUBNQN, other)));
            fixture.subsystem.allowAnyHost(true);
            MemorySegment ok = wire.connect(0, 31, 0, UUID.randomUUID(), 0xFFFF, TargetFixture.SUBNQN, other);
            assertEquals(0, Wire.status(ok));
            assertTrue(ConnectResponse.cntlid(Cqe.dw0(ok, 0)) >= 1);
        }
    }

    @Test
    void commandsBeforeConnectAndBeforeEnable() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            int early = admin(wire, AdminOpcode.KEEP_ALIVE.value(), 0, 0, 0);
            assertStatus(StatusCode.COMMAND_SEQUENCE_ERROR, Wire.status(wire.response(early)));
            assertEquals(
                    0,
                    Wire.status(wire.connect(
                            0, 31, 0, TargetFixture.HOST_ID, 0xFFFF, TargetFixture.SUBNQN, TargetFixture.HOSTNQN)));
            int notEnabled = admin(wire, AdminOpcode.KEEP_ALIVE.value(), 0, 0, 0);
            assertStatus(StatusCode.COMMAND_SEQUENCE_ERROR, Wire.status(wire.response(notEnabled)));
            int cntlid = fixture.subsystem.controllers().getFirst().cntlid();
            try (Wire io = fixture.wire()) {
                io.initialize(false, false);
                assertStatus(
                        StatusCode.COMMAND_SEQUENCE_ERROR,
                        Wire.status(io.connect(
                                1, 31, 0, TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN)));
            }
            wire.enable();
            assertEquals(0, Wire.status(wire.response(admin(wire, AdminOpcode.KEEP_ALIVE.value(), 0, 0, 0))));
            int again = wire.command(
                    Wire.fabrics(io.peregrine.nvme.spec.FabricsCommandType.CONNECT),
                    Wire.connectData(TargetFixture.HOST_ID, 0xFFFF, TargetFixture.SUBNQN, TargetFixture.HOSTNQN));
            assertStatus(StatusCode.COMMAND_SEQUENCE_ERROR, Wire.status(wire.response(again)));
        }
    }

    @Test
    void ioQueueConnectChecksControllerAndHost() {
        try (Wire admin = fixture.admin(false, false)) {
            assertTrue(admin.open());
            int cntlid = fixture.subsystem.controllers().getFirst().cntlid();
            try (Wire io = fixture.wire()) {
                io.initialize(false, false);
                MemorySegment wrongController = io.connect(
                        1, 31, 0, TargetFixture.HOST_ID, cntlid + 1, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
                assertEquals(ConnectData.CNTLID.offset(), ConnectResponse.ipo(Cqe.dw0(wrongController, 0)));
                fixture.subsystem.allowAnyHost(true);
                MemorySegment wrongHost = io.connect(
                        1, 31, 0, TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, Nqn.forHost(UUID.randomUUID()));
                assertEquals(ConnectData.HOSTNQN.offset(), ConnectResponse.ipo(Cqe.dw0(wrongHost, 0)));
                MemorySegment wrongHostId =
                        io.connect(1, 31, 0, UUID.randomUUID(), cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
                assertEquals(ConnectData.HOSTID.offset(), ConnectResponse.ipo(Cqe.dw0(wrongHostId, 0)));
                MemorySegment tooMany = io.connect(
                        65, 31, 0, TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
                assertEquals(FabricsCommand.CONNECT_QID.offset(), ConnectResponse.ipo(Cqe.dw0(tooMany, 0)));
                assertEquals(
                        0,
                        Wire.status(io.connect(
                                3, 31, 0, TargetFixture.HOST_ID, cntlid, TargetFixture.SUBNQN, TargetFixture.HOSTNQN)));
            }
        }
    }

    // ------------------------------------------------------------------ properties

    @Test
    void propertiesAndShutdown() {
        try (Wire wire = fixture.admin(false, false)) {
            ControllerRegisters.Cap cap =
                    ControllerRegisters.Cap.decode(wire.propertyGet(ControllerRegisters.CAP, true));
            assertEquals(1024, cap.maxQueueEntries());
            assertTrue(cap.cqr());
            assertEquals(FabricsCommands.VERSION, (int) wire.propertyGet(ControllerRegisters.VS, false));
            MemorySegment sqe = Wire.fabrics(io.peregrine.nvme.spec.FabricsCommandType.PROPERTY_GET);
            FabricsCommand.PROPERTY_OFST.set(sqe, 0x24); // AQA does not exist on fabrics
            assertStatus(StatusCode.INVALID_FIELD, Wire.status(wire.response(wire.command(sqe, (byte[]) null))));
            int cc = (int) wire.propertyGet(ControllerRegisters.CC, false);
            assertEquals(
                    0,
                    wire.propertySet(
                            ControllerRegisters.CC,
                            cc | (ControllerRegisters.SHN_NORMAL << ControllerRegisters.CC_SHN_SHIFT)));
            int csts = (int) wire.propertyGet(ControllerRegisters.CSTS, false);
            assertEquals(ControllerRegisters.SHST_COMPLETE, ControllerRegisters.cstsShst(csts));
            assertEquals(0, csts & ControllerRegisters.CSTS_RDY);
        }
    }

    @Test
    void enablingWithBadEntrySizesSetsCfs() {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            wire.connect(0, 31, 0, TargetFixture.HOST_ID, 0xFFFF, TargetFixture.SUBNQN, TargetFixture.HOSTNQN);
            assertEquals(0, wire.propertySet(ControllerRegisters.CC, 1)); // EN with IOSQES/IOCQES 0
            long csts = wire.propertyGet(ControllerRegisters.CSTS, false);
            assertTrue((csts & ControllerRegisters.CSTS_CFS) != 0);
            assertEquals(0, csts & ControllerRegisters.CSTS_RDY);
        }
    }

    // ------------------------------------------------------------------ identify and features

    @Test
    void identifyDescribesControllerAndNamespace() {
        try (Wire wire = fixture.admin(false, false)) {
            MemorySegment ctrl = identify(wire, Cns.CONTROLLER, 0);
            assertEquals(TargetFixture.SUBNQN, IdentifyController.SUBNQN.get(ctrl));
            assertEquals(IdentifyController.CNTRLTYPE_IO, IdentifyController.CNTRLTYPE.get(ctrl));
            assertEquals((64 + 16384) / 16, IdentifyController.IOCCSZ.get(ctrl));
            assertEquals(8, IdentifyController.MDTS.get(ctrl));
            assertEquals(1, IdentifyController.NN.get(ctrl));
            assertTrue((IdentifyController.SGLS.get(ctrl) & 1) != 0);
            MemorySegment ns = identify(wire, Cns.NAMESPACE, 1);
            assertEquals(1024, IdentifyNamespace.NSZE.get(ns));
            assertEquals(4096, IdentifyNamespace.formatted(ns).blockSize());
            List<NamespaceIdDescriptor> ids =
                    NamespaceIdDescriptor.parseList(identify(wire, Cns.NAMESPACE_ID_DESCRIPTORS, 1));
            assertTrue(ids.contains(NamespaceIdDescriptor.uuid(TargetFixture.VOLUME)), ids::toString);
            MemorySegment list = identify(wire, Cns.ACTIVE_NAMESPACE_LIST, 0);
            assertEquals(1, list.get(Le.U32, 0));
            assertEquals(0, list.get(Le.U32, 4));
            MemorySegment sqe = Wire.sqe(AdminOpcode.IDENTIFY.value());
            Sqe.cdw10(sqe, 0, 0x1F);
            assertStatus(StatusCode.INVALID_FIELD, Wire.status(wire.response(wire.command(sqe, 4096))));
        }
    }

    @Test
    void features() {
        try (Wire wire = fixture.admin(false, false)) {
            int queues = admin(
                    wire,
                    AdminOpcode.SET_FEATURES.value(),
                    0,
                    Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false),
                    Commands.numberOfQueues(200, 200));
            MemorySegment cqe = wire.response(queues);
            assertEquals(0, Wire.status(cqe));
            assertEquals(64, Commands.numberOfSubmissionQueues(Cqe.dw0(cqe, 0)));
            int kato = admin(
                    wire,
                    AdminOpcode.SET_FEATURES.value(),
                    0,
                    Commands.setFeaturesCdw10(FeatureId.KEEP_ALIVE_TIMER, false),
                    4500);
            assertEquals(0, Wire.status(wire.response(kato)));
            int get = admin(
                    wire,
                    AdminOpcode.GET_FEATURES.value(),
                    0,
                    Commands.getFeaturesCdw10(FeatureId.KEEP_ALIVE_TIMER, 0),
                    0);
            assertEquals(5000, Cqe.dw0(wire.response(get), 0), "KATO rounded up to the 1 s granularity");
            int save = admin(
                    wire,
                    AdminOpcode.SET_FEATURES.value(),
                    0,
                    Commands.setFeaturesCdw10(FeatureId.KEEP_ALIVE_TIMER, true),
                    1000);
            assertStatus(StatusCode.FEATURE_NOT_SAVEABLE, Wire.status(wire.response(save)));
            int unknown = admin(
                    wire, AdminOpcode.GET_FEATURES.value(), 0, Commands.getFeaturesCdw10(FeatureId.ARBITRATION, 0), 0);
            assertStatus(StatusCode.INVALID_FIELD, Wire.status(wire.response(unknown)));
            int abort = admin(wire, AdminOpcode.ABORT.value(), 0, Commands.abortCdw10(0, 3), 0);
            assertTrue(Commands.abortNotPerformed(Cqe.dw0(wire.response(abort), 0)));
        }
    }

    // ------------------------------------------------------------------ keep alive

    @Test
    void aSilentHostIsDisconnected() throws InterruptedException {
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            assertEquals(
                    0,
                    Wire.status(wire.connect(
                            0, 31, 1000, TargetFixture.HOST_ID, 0xFFFF, TargetFixture.SUBNQN, TargetFixture.HOSTNQN)));
            wire.enable();
            Thread.sleep(600);
            assertEquals(0, Wire.status(wire.response(admin(wire, AdminOpcode.KEEP_ALIVE.value(), 0, 0, 0))));
            Thread.sleep(600);
            wire.channel.runScheduledPendingTasks();
            assertTrue(wire.open(), "a Keep Alive within KATO keeps the controller");
            Thread.sleep(1100);
            wire.channel.runScheduledPendingTasks();
            assertFalse(wire.open(), "KATO expired: the controller and its connection are gone");
            assertTrue(fixture.subsystem.controllers().isEmpty());
        }
    }

    // ------------------------------------------------------------------ events and logs

    @Test
    void growingANamespaceRaisesOneNoticeUntilTheLogIsRead() {
        try (Wire wire = fixture.admin(false, false)) {
            int aer = admin(wire, AdminOpcode.ASYNC_EVENT_REQUEST.value(), 0, 0, 0);
            assertTrue(wire.nothingReceived(), "an AER waits for an event");
            fixture.namespace.resize(2048);
            MemorySegment event = wire.response(aer);
            assertEquals(0, Wire.status(event));
            assertEquals(AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.dw0(), Cqe.dw0(event, 0));
            assertEquals(2048, IdentifyNamespace.NSZE.get(identify(wire, Cns.NAMESPACE, 1)));

            int second = admin(wire, AdminOpcode.ASYNC_EVENT_REQUEST.value(), 0, 0, 0);
            fixture.namespace.resize(3072);
            assertTrue(wire.nothingReceived(), "masked until the Changed Namespace List is read");
            MemorySegment changed = logPage(wire, LogPageId.CHANGED_NAMESPACE_LIST, 4096, false);
            assertEquals(1, changed.get(Le.U32, 0));
            assertEquals(0, changed.get(Le.U32, 4));
            fixture.namespace.resize(4096);
            assertEquals(AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.dw0(), Cqe.dw0(wire.response(second), 0));

            List<Integer> limit = new ArrayList<>();
            for (int i = 0; i < 5; i++) limit.add(admin(wire, AdminOpcode.ASYNC_EVENT_REQUEST.value(), 0, 0, 0));
            assertStatus(StatusCode.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED, Wire.status(wire.response(limit.get(4))));
        }
    }

    @Test
    void errorAndSmartLogs() {
        try (Wire wire = fixture.admin(false, false)) {
            int bad = admin(wire, 0x7E, 0, 0, 0);
            assertStatus(StatusCode.INVALID_OPCODE, Wire.status(wire.response(bad)));
            MemorySegment errors = logPage(wire, LogPageId.ERROR_INFORMATION, 4096, false);
            assertEquals(1, ErrorLogEntry.ERROR_COUNT.get(errors));
            assertEquals(bad, ErrorLogEntry.CID.get(errors));
            assertEquals(StatusCode.INVALID_OPCODE.fieldDnr(), ErrorLogEntry.STATUS_FIELD.get(errors) >>> 1);
            MemorySegment smart = logPage(wire, LogPageId.SMART_HEALTH, 512, false);
            assertEquals(100, io.peregrine.nvme.spec.SmartHealthLog.AVAILABLE_SPARE.get(smart));
            MemorySegment sqe = Wire.sqe(AdminOpcode.GET_LOG_PAGE.value());
            Sqe.cdw10(sqe, 0, Commands.getLogPageCdw10(0xC0, 512, false));
            assertStatus(StatusCode.INVALID_LOG_PAGE, Wire.status(wire.response(wire.command(sqe, 512))));
        }
    }

    // ------------------------------------------------------------------ discovery

    private Wire discovery(String hostnqn) {
        Wire wire = fixture.wire();
        wire.initialize(false, false);
        assertEquals(0, Wire.status(wire.connect(0, 31, 0, UUID.randomUUID(), 0xFFFF, Nqn.DISCOVERY, hostnqn)));
        wire.enable();
        return wire;
    }

    private static List<String> discoveredNqns(Wire wire) {
        MemorySegment header = logPage(wire, LogPageId.DISCOVERY, 1024, true);
        long records = DiscoveryLogPage.NUMREC.get(header);
        MemorySegment page = logPage(wire, LogPageId.DISCOVERY, (int) DiscoveryLogPage.entry(records), true);
        List<String> nqns = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            nqns.add(Le.utf8z(page, DiscoveryLogPage.entry(i) + DiscoveryLogPage.SUBNQN.offset(), 256));
        }
        return nqns;
    }

    @Test
    void discoveryListsOnlyWhatTheHostMaySee() {
        fixture.target.addPort(new Port(1, "127.0.0.1", 4420));
        Subsystem other = fixture.target.createSubsystem("nqn.2026-11.io.peregrine:other", "OTHER", "Peregrine", 4);
        String stranger = Nqn.forHost(UUID.randomUUID());
        try (Wire known = discovery(TargetFixture.HOSTNQN);
                Wire unknown = discovery(stranger)) {
            assertEquals(List.of(TargetFixture.SUBNQN, Nqn.DISCOVERY), discoveredNqns(known));
            assertEquals(List.of(Nqn.DISCOVERY), discoveredNqns(unknown));
            MemorySegment ctrl = identify(known, Cns.CONTROLLER, 0);
            assertEquals(IdentifyController.CNTRLTYPE_DISCOVERY, IdentifyController.CNTRLTYPE.get(ctrl));

            int aer = admin(unknown, AdminOpcode.ASYNC_EVENT_REQUEST.value(), 0, 0, 0);
            other.allowHost(stranger);
            assertEquals(AsyncEvent.DISCOVERY_LOG_CHANGED.dw0(), Cqe.dw0(unknown.response(aer), 0));
            assertEquals(List.of("nqn.2026-11.io.peregrine:other", Nqn.DISCOVERY), discoveredNqns(unknown));
            int io = admin(
                    known,
                    AdminOpcode.SET_FEATURES.value(),
                    0,
                    Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false),
                    0);
            assertStatus(StatusCode.INVALID_FIELD, Wire.status(known.response(io)));
        }
    }

    // ------------------------------------------------------------------ management at run time

    @Test
    void removingASubsystemOrAHostDropsOnlyTheirConnections() {
        Subsystem other = fixture.target.createSubsystem("nqn.2026-11.io.peregrine:other", "OTHER", "Peregrine", 4);
        other.addNamespace(0, new MemoryNamespace(512, 100), UUID.randomUUID());
        String secondHost = Nqn.forHost(UUID.randomUUID());
        other.allowHost(TargetFixture.HOSTNQN);
        fixture.subsystem.allowHost(secondHost);
        try (Wire first = fixture.admin(false, false);
                Wire second = fixture.wire();
                Wire third = fixture.wire()) {
            second.initialize(false, false);
            assertEquals(
                    0,
                    Wire.status(second.connect(0, 31, 0, UUID.randomUUID(), 0xFFFF, TargetFixture.SUBNQN, secondHost)));
            third.initialize(false, false);
            assertEquals(
                    0,
                    Wire.status(third.connect(
                            0, 31, 0, TargetFixture.HOST_ID, 0xFFFF, other.nqn(), TargetFixture.HOSTNQN)));
            fixture.subsystem.disallowHost(secondHost);
            assertFalse(second.open(), "the removed host is disconnected");
            assertTrue(first.open());
            assertTrue(third.open());
            fixture.target.removeSubsystem(other.nqn());
            assertFalse(third.open(), "the removed subsystem's controllers are disconnected");
            assertTrue(first.open(), "unrelated connections stay");
            assertEquals(FabricsCommands.VERSION, (int) first.propertyGet(ControllerRegisters.VS, false));
        }
    }

    @Test
    void namespacesComeAndGoWhileConnected() {
        Subsystem multi = fixture.target.createSubsystem("nqn.2026-11.io.peregrine:multi", "MULTI", "Peregrine", 8);
        multi.allowHost(TargetFixture.HOSTNQN);
        try (Wire wire = fixture.wire()) {
            wire.initialize(false, false);
            assertEquals(
                    0,
                    Wire.status(
                            wire.connect(0, 31, 0, TargetFixture.HOST_ID, 0xFFFF, multi.nqn(), TargetFixture.HOSTNQN)));
            wire.enable();
            int aer = admin(wire, AdminOpcode.ASYNC_EVENT_REQUEST.value(), 0, 0, 0);
            multi.addNamespace(3, new MemoryNamespace(4096, 10), UUID.randomUUID());
            assertEquals(AsyncEvent.NAMESPACE_ATTRIBUTE_CHANGED.dw0(), Cqe.dw0(wire.response(aer), 0));
            MemorySegment list = identify(wire, Cns.ACTIVE_NAMESPACE_LIST, 0);
            assertEquals(3, list.get(Le.U32, 0));
            multi.removeNamespace(3);
            assertEquals(0, identify(wire, Cns.ACTIVE_NAMESPACE_LIST, 0).get(Le.U32, 0));
            assertEquals(
                    0, IdentifyNamespace.NSZE.get(identify(wire, Cns.NAMESPACE, 3)), "inactive NSIDs read as zeroes");
        }
    }
}
