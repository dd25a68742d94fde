/**
 * NVMe data structures, shared by every Peregrine module that speaks NVMe: the PCIe driver and
 * its software controller here, the NVMe/TCP target and host in {@code nvmf-target}.
 *
 * <p>Each structure is a {@link java.lang.foreign.MemoryLayout} built from little-endian,
 * byte-aligned value layouts ({@link io.peregrine.nvme.spec.Le}), so it can be read or written
 * in place on any {@link java.lang.foreign.MemorySegment} at any offset: DMA memory, a segment
 * over a Netty buffer, a heap array. Field offsets come from the layouts; the unit tests pin
 * every one against NVMe Base 2.1 and NVM Command Set 1.1.
 *
 * <ul>
 *   <li>Queue entries: {@link io.peregrine.nvme.spec.Sqe} (64 B), {@link io.peregrine.nvme.spec.Cqe}
 *       (16 B) — accessors take a base offset, so entries in a ring or a capsule are used without
 *       slicing or allocation.
 *   <li>Opcodes and identifiers: {@link io.peregrine.nvme.spec.AdminOpcode},
 *       {@link io.peregrine.nvme.spec.NvmOpcode}, {@link io.peregrine.nvme.spec.FabricsCommandType},
 *       {@link io.peregrine.nvme.spec.Cns}, {@link io.peregrine.nvme.spec.LogPageId},
 *       {@link io.peregrine.nvme.spec.FeatureId}; command dwords in
 *       {@link io.peregrine.nvme.spec.Commands}.
 *   <li>Status: {@link io.peregrine.nvme.spec.Status} (SCT, SC, CRD, More, DNR) and
 *       {@link io.peregrine.nvme.spec.StatusCode} with the spec's names.
 *   <li>Data: {@link io.peregrine.nvme.spec.IdentifyController},
 *       {@link io.peregrine.nvme.spec.IdentifyNamespace}, {@link io.peregrine.nvme.spec.LbaFormat},
 *       {@link io.peregrine.nvme.spec.NamespaceIdDescriptor}, {@link io.peregrine.nvme.spec.ErrorLogEntry},
 *       {@link io.peregrine.nvme.spec.SmartHealthLog}, {@link io.peregrine.nvme.spec.DsmRange}.
 *   <li>Registers: {@link io.peregrine.nvme.spec.ControllerRegisters} (also the Fabrics properties).
 * </ul>
 *
 * <p>This package depends on nothing but the JDK. It must never import the driver, VFIO or DMA
 * packages: other modules import it alone.
 */
package io.peregrine.nvme.spec;
