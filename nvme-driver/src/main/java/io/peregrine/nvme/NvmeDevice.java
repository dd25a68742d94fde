package io.peregrine.nvme;

import io.peregrine.nvme.dma.DmaMemory;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.NvmeController;
import io.peregrine.nvme.emu.EmuBackend;
import io.peregrine.nvme.emu.EmulatedController;
import io.peregrine.nvme.pci.PciConfig;
import io.peregrine.nvme.pci.PciFunction;
import io.peregrine.nvme.vfio.Vfio;
import java.util.Optional;

/**
 * An opened controller with everything it stands on: the PCI function (VFIO, or the software
 * model and its thread), the DMA memory, and the driver. {@link #close()} takes them down in the
 * right order: controller (shutdown), DMA memory (unmap), PCI function, model.
 *
 * <pre>{@code
 * try (NvmeDevice device = NvmeDevice.open("pcie://0000:00:05.0")) {
 *     NvmeController controller = device.controller();
 *     ...
 * }
 * }</pre>
 */
public final class NvmeDevice implements AutoCloseable {

    private final DeviceUri uri;
    private final PciFunction pci;
    private final DmaMemory dma;
    private final NvmeController controller;
    private final EmulatedController model;

    private NvmeDevice(
            DeviceUri uri, PciFunction pci, DmaMemory dma, NvmeController controller, EmulatedController model) {
        this.uri = uri;
        this.pci = pci;
        this.dma = dma;
        this.controller = controller;
        this.model = model;
    }

    public static NvmeDevice open(String uri) {
        return open(DeviceUri.parse(uri), ControllerOptions.defaults(), DmaOptions.defaults());
    }

    public static NvmeDevice open(DeviceUri uri, ControllerOptions options, DmaOptions dmaOptions) {
        EmulatedController model = null;
        PciFunction pci = null;
        DmaMemory dma = null;
        try {
            switch (uri) {
                case DeviceUri.Pcie p -> {
                    int pciClass = Vfio.classCode(p.bdf(), java.nio.file.Path.of("/sys"));
                    if (pciClass != -1 && pciClass != PciConfig.CLASS_NVME) {
                        throw new IllegalArgumentException(p.bdf() + " is not an NVMe controller: its PCI class is "
                                + String.format("0x%06x", pciClass) + ", not 0x010802 (lspci -D -d ::0108 lists"
                                + " NVMe controllers)");
                    }
                    pci = Vfio.open(p.bdf());
                }
                case DeviceUri.Emu e -> {
                    EmuBackend backend = e.nullBackend()
                            ? EmuBackend.nullBackend(e.sizeBytes())
                            : e.file()
                                    .map(f -> EmuBackend.file(f, e.sizeBytes()))
                                    .orElseGet(() -> EmuBackend.memory(e.sizeBytes()));
                    model = EmulatedController.builder()
                            .name(e.name())
                            .maxIoQueues(e.queues())
                            .maxQueueEntries(e.entries())
                            .mdts(e.mdts())
                            .namespace(backend, e.blockSize())
                            .build();
                    model.start();
                    pci = model.pciFunction();
                }
            }
            dma = new DmaMemory(pci.dmaMapper(), dmaOptions, pci.address());
            NvmeController controller = NvmeController.open(pci, dma, options);
            return new NvmeDevice(uri, pci, dma, controller, model);
        } catch (RuntimeException e) {
            if (dma != null) closeQuietly(dma, e);
            if (pci != null && model == null) closeQuietly(pci, e);
            if (model != null) closeQuietly(model, e);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    public DeviceUri uri() {
        return uri;
    }

    public NvmeController controller() {
        return controller;
    }

    public DmaMemory dmaMemory() {
        return dma;
    }

    public PciFunction pciFunction() {
        return pci;
    }

    /** The software model, for {@code emu://} devices (its faults, its stepping). */
    public Optional<EmulatedController> model() {
        return Optional.ofNullable(model);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable step : new AutoCloseable[] {controller, dma, pci, model}) {
            if (step == null) continue;
            try {
                step.close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("closing " + uri + " failed", e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
