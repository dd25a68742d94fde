package io.peregrine.nvme.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peregrine.nvme.spec.AdminOpcode;
import io.peregrine.nvme.spec.Cns;
import io.peregrine.nvme.spec.Commands;
import io.peregrine.nvme.spec.ControllerRegisters;
import io.peregrine.nvme.spec.Cqe;
import io.peregrine.nvme.spec.FeatureId;
import io.peregrine.nvme.spec.IdentifyController;
import io.peregrine.nvme.spec.Le;
import io.peregrine.nvme.spec.Sqe;
import io.peregrine.nvme.spec.Status;
import io.peregrine.nvme.spec.StatusCode;
import org.junit.jupiter.api.Test;

/** The model's register and admin protocol, driven by hand: each answer checked against the spec. */
class EmulatedControllerTest {

    private static EmulatedController model() {
        return EmulatedController.builder()
                .maxIoQueues(2)
                .maxQueueEntries(64)
                .namespace(EmuBackend.memory(1 << 20))
                .build();
    }

    private static int status(int dw3) {
        assertTrue(dw3 != -1, "no completion was posted");
        return Cqe.statusFieldOfDw3(dw3);
    }

    @Test
    void capAndVersionDescribeTheModel() {
        try (ModelHost host = new ModelHost(model())) {
            long cap = (host.reg(0) & 0xffff_ffffL) | ((long) host.reg(4) << 32);
            ControllerRegisters.Cap decoded = ControllerRegisters.Cap.decode(cap);
            assertEquals(64, decoded.maxQueueEntries());
            assertTrue(decoded.cqr());
            assertEquals(0, decoded.dstrd());
            assertEquals("2.1.0", ControllerRegisters.version(host.reg(ControllerRegisters.VS)));
            assertEquals(0, host.reg(ControllerRegisters.CSTS));
        }
    }

    @Test
    void enableIdentifyAndResetThroughRegisters() {
        try (ModelHost host = ModelHost.enabled(model())) {
            assertEquals(ControllerRegisters.CSTS_RDY, host.reg(ControllerRegisters.CSTS));
            int dw3 = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.IDENTIFY.value());
                Sqe.cdw10(sqe, 0, Commands.identifyCdw10(Cns.CONTROLLER, 0));
                Sqe.prp1(sqe, 0, host.data.iova());
            });
            assertEquals(0, status(dw3));
            assertEquals(host.cid, Cqe.cidOfDw3(dw3));
            assertEquals("Peregrine NVMe model", IdentifyController.MN.get(host.data.segment()));
            assertEquals(1, IdentifyController.NN.get(host.data.segment()));

            host.reg(ControllerRegisters.CC, 0); // controller level reset
            host.model.runOnce();
            assertEquals(0, host.reg(ControllerRegisters.CSTS));
            assertEquals(0, host.reg((int) ControllerRegisters.sqTailDoorbell(0, 0)), "doorbells start over");
        }
    }

    @Test
    void enablingWithoutBusMasterIsFatal() {
        try (ModelHost host = new ModelHost(model())) {
            host.enable();
            assertTrue(host.fatal());
            assertFalse((host.reg(ControllerRegisters.CSTS) & ControllerRegisters.CSTS_RDY) != 0);
        }
    }

    @Test
    void aDoorbellPastTheQueueIsFatal() {
        try (ModelHost host = ModelHost.enabled(model())) {
            host.reg((int) ControllerRegisters.sqTailDoorbell(0, 0), ModelHost.ENTRIES + 3);
            host.model.runOnce();
            assertTrue(host.fatal());
        }
    }

    @Test
    void adminErrorsAreTheSpecsStatuses() {
        try (ModelHost host = ModelHost.enabled(model())) {
            assertTrue(Status.is(status(host.admin(sqe -> Sqe.opcode(sqe, 0, 0x03))), StatusCode.INVALID_OPCODE));
            assertTrue(Status.dnr(Cqe.statusFieldOfDw3(host.lastDw3())));
            int badNs = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.IDENTIFY.value());
                Sqe.nsid(sqe, 0, 7);
                Sqe.cdw10(sqe, 0, Commands.identifyCdw10(Cns.NAMESPACE, 0));
                Sqe.prp1(sqe, 0, host.data.iova());
            });
            assertTrue(Status.is(status(badNs), StatusCode.INVALID_NAMESPACE_OR_FORMAT));
            int badLog = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.GET_LOG_PAGE.value());
                Sqe.cdw10(sqe, 0, Commands.getLogPageCdw10(0x42, 512, false));
                Sqe.prp1(sqe, 0, host.data.iova());
            });
            assertTrue(Status.is(status(badLog), StatusCode.INVALID_LOG_PAGE));
            int unmapped = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.IDENTIFY.value());
                Sqe.cdw10(sqe, 0, Commands.identifyCdw10(Cns.CONTROLLER, 0));
                Sqe.prp1(sqe, 0, 0x7_0000_0000L);
            });
            assertTrue(Status.is(status(unmapped), StatusCode.DATA_TRANSFER_ERROR), "an IOVA never mapped");
            int misaligned = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.IDENTIFY.value());
                Sqe.cdw10(sqe, 0, Commands.identifyCdw10(Cns.CONTROLLER, 0));
                Sqe.prp1(sqe, 0, host.data.iova() + 2);
            });
            assertTrue(Status.is(status(misaligned), StatusCode.PRP_OFFSET_INVALID));
        }
    }

    @Test
    void queueLifecycleRules() {
        try (ModelHost host = ModelHost.enabled(model())) {
            long ring = host.data.iova();
            int sqWithoutCq = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.CREATE_IO_SQ.value());
                Sqe.cdw10(sqe, 0, Commands.createQueueCdw10(1, 16));
                Sqe.cdw11(sqe, 0, Commands.createIoSqCdw11(true, 0, 1));
                Sqe.prp1(sqe, 0, ring);
            });
            assertTrue(Status.is(status(sqWithoutCq), StatusCode.COMPLETION_QUEUE_INVALID));
            int tooBig = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.CREATE_IO_CQ.value());
                Sqe.cdw10(sqe, 0, Commands.createQueueCdw10(1, 65));
                Sqe.cdw11(sqe, 0, Commands.createIoCqCdw11(true, false, 0));
                Sqe.prp1(sqe, 0, ring);
            });
            assertTrue(Status.is(status(tooBig), StatusCode.INVALID_QUEUE_SIZE));
            int badQid = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.CREATE_IO_CQ.value());
                Sqe.cdw10(sqe, 0, Commands.createQueueCdw10(3, 16));
                Sqe.cdw11(sqe, 0, Commands.createIoCqCdw11(true, false, 0));
                Sqe.prp1(sqe, 0, ring);
            });
            assertTrue(Status.is(status(badQid), StatusCode.INVALID_QUEUE_IDENTIFIER), "only 2 granted");
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.CREATE_IO_CQ.value());
                Sqe.cdw10(sqe, 0, Commands.createQueueCdw10(1, 16));
                Sqe.cdw11(sqe, 0, Commands.createIoCqCdw11(true, false, 0));
                Sqe.prp1(sqe, 0, ring);
            })));
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.CREATE_IO_SQ.value());
                Sqe.cdw10(sqe, 0, Commands.createQueueCdw10(1, 16));
                Sqe.cdw11(sqe, 0, Commands.createIoSqCdw11(true, 0, 1));
                Sqe.prp1(sqe, 0, ring + 4096);
            })));
            int queuesAfterward = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.SET_FEATURES.value());
                Sqe.cdw10(sqe, 0, Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false));
                Sqe.cdw11(sqe, 0, Commands.numberOfQueues(1, 1));
            });
            assertTrue(Status.is(status(queuesAfterward), StatusCode.COMMAND_SEQUENCE_ERROR));
            int cqInUse = host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.DELETE_IO_CQ.value());
                Sqe.cdw10(sqe, 0, Commands.deleteQueueCdw10(1));
            });
            assertTrue(Status.is(status(cqInUse), StatusCode.INVALID_QUEUE_DELETION));
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.DELETE_IO_SQ.value());
                Sqe.cdw10(sqe, 0, Commands.deleteQueueCdw10(1));
            })));
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.DELETE_IO_CQ.value());
                Sqe.cdw10(sqe, 0, Commands.deleteQueueCdw10(1));
            })));
        }
    }

    @Test
    void featuresAndAsyncEvents() {
        try (ModelHost host = ModelHost.enabled(model())) {
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.SET_FEATURES.value());
                Sqe.cdw10(sqe, 0, Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, false));
                Sqe.cdw11(sqe, 0, Commands.numberOfQueues(8, 8));
            })));
            assertEquals(Commands.numberOfQueues(2, 2), host.lastDw0(), "grants its maximum of 2");
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.SET_FEATURES.value());
                Sqe.cdw10(sqe, 0, Commands.setFeaturesCdw10(FeatureId.VOLATILE_WRITE_CACHE, false));
                Sqe.cdw11(sqe, 0, 0);
            })));
            assertEquals(0, status(host.admin(sqe -> {
                Sqe.opcode(sqe, 0, AdminOpcode.GET_FEATURES.value());
                Sqe.cdw10(sqe, 0, Commands.getFeaturesCdw10(FeatureId.VOLATILE_WRITE_CACHE, 0));
            })));
            assertEquals(0, host.lastDw0());
            assertTrue(Status.is(
                    status(host.admin(sqe -> {
                        Sqe.opcode(sqe, 0, AdminOpcode.SET_FEATURES.value());
                        Sqe.cdw10(sqe, 0, Commands.setFeaturesCdw10(FeatureId.NUMBER_OF_QUEUES, true));
                    })),
                    StatusCode.FEATURE_NOT_SAVEABLE));
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        -1,
                        host.admin(sqe -> Sqe.opcode(sqe, 0, AdminOpcode.ASYNC_EVENT_REQUEST.value())),
                        "an AER is held, not completed");
            }
            assertTrue(Status.is(
                    status(host.admin(sqe -> Sqe.opcode(sqe, 0, AdminOpcode.ASYNC_EVENT_REQUEST.value()))),
                    StatusCode.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED));
            assertEquals(0, status(host.admin(sqe -> Sqe.opcode(sqe, 0, AdminOpcode.KEEP_ALIVE.value()))));
        }
    }

    @Test
    void shutdownCompletesAndFlushes() {
        try (ModelHost host = ModelHost.enabled(model())) {
            host.reg(
                    ControllerRegisters.CC,
                    host.reg(ControllerRegisters.CC)
                            | (ControllerRegisters.SHN_NORMAL << ControllerRegisters.CC_SHN_SHIFT));
            host.model.runOnce();
            assertEquals(
                    ControllerRegisters.SHST_COMPLETE,
                    ControllerRegisters.cstsShst(host.reg(ControllerRegisters.CSTS)));
        }
    }

    @Test
    void steppingWhileTheThreadRunsIsRefused() {
        try (EmulatedController m = model()) {
            m.start();
            assertThrows(IllegalStateException.class, m::runOnce);
            m.stop();
            assertEquals(0, m.runOnce());
        }
    }

    @Test
    void unmappingAQueuesMemoryMakesTheControllerFatalNotACrash() {
        try (ModelHost host = ModelHost.enabled(model())) {
            host.dma.free(host.asq);
            host.dma.close(); // unmaps every region, the admin queues' included
            assertTrue(host.fatal());
            host.reg((int) ControllerRegisters.sqTailDoorbell(0, 0), 1);
            host.model.runOnce(); // touches nothing
        }
    }

    @Test
    void builderRefusesNonsense() {
        assertThrows(
                IllegalStateException.class, () -> EmulatedController.builder().build());
        assertThrows(
                IllegalArgumentException.class,
                () -> EmulatedController.builder().maxIoQueues(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> EmulatedController.builder().mdts(13));
        assertThrows(
                IllegalArgumentException.class,
                () -> EmulatedController.builder().namespace(EmuBackend.nullBackend(4096), 1000));
        assertThrows(IllegalArgumentException.class, () -> EmuBackend.memory(0));
        assertEquals(8, Le.U64.byteSize());
    }
}
