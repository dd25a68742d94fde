package io.peregrine.nvme.tool;

import io.peregrine.nvme.DeviceUri;
import io.peregrine.nvme.NvmeDevice;
import io.peregrine.nvme.dma.DmaOptions;
import io.peregrine.nvme.driver.ControllerInfo;
import io.peregrine.nvme.driver.ControllerOptions;
import io.peregrine.nvme.driver.Namespace;
import io.peregrine.nvme.driver.NvmeController;
import io.peregrine.nvme.driver.SmartHealth;
import io.peregrine.nvme.spec.IdentifyController;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nvme identify URI [--json]}: the controller, its namespaces and its health. */
final class IdentifyCommand {

    static final String USAGE = """
            usage: nvme identify URI [--json]

              URI     pcie://0000:00:05.0 (bound to vfio-pci), emu://?size=1G, emu:///path/file?size=1G,
                      emu://?null&size=1G
              --json  one JSON object instead of text
            """;

    private IdentifyCommand() {}

    static int run(List<String> args, PrintStream out) {
        String uri = null;
        boolean json = false;
        for (String arg : args) {
            if (arg.equals("--json")) json = true;
            else if (arg.equals("-h") || arg.equals("--help")) {
                out.print(USAGE);
                return 0;
            } else if (arg.startsWith("-")) throw new UsageException("identify: unknown option " + arg + "\n" + USAGE);
            else if (uri == null) uri = arg;
            else throw new UsageException("identify: one URI only, got " + uri + " and " + arg + "\n" + USAGE);
        }
        if (uri == null) throw new UsageException("identify: which controller?\n" + USAGE);
        try (NvmeDevice device =
                NvmeDevice.open(DeviceUri.parse(uri), ControllerOptions.defaults(), DmaOptions.defaults())) {
            Map<String, Object> report = describe(device);
            out.print(json ? Json.write(report) : text(report));
        }
        return 0;
    }

    static Map<String, Object> describe(NvmeDevice device) {
        NvmeController controller = device.controller();
        ControllerInfo info = controller.info();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("uri", device.uri().toString());
        c.put("address", info.address());
        c.put("model", info.modelNumber());
        c.put("serial", info.serialNumber());
        c.put("firmware", info.firmwareRevision());
        c.put("version", info.version());
        c.put("vendor_id", String.format("0x%04x", info.vendorId()));
        c.put("subsystem_vendor_id", String.format("0x%04x", info.subsystemVendorId()));
        c.put("controller_id", info.controllerId());
        c.put("max_transfer_bytes", info.maxTransferBytes());
        c.put("driver_max_transfer_bytes", controller.maxTransferBytes());
        c.put("io_queue_pairs", info.ioQueuePairs());
        c.put("max_queue_entries", info.maxQueueEntries());
        c.put("doorbell_stride_bytes", 4 << info.doorbellStride());
        c.put("ready_timeout_ms", info.timeoutMillis());
        c.put("volatile_write_cache", info.volatileWriteCache());
        c.put("optional_nvm_commands", optionalCommands(info.oncs()));
        c.put("abort_command_limit", info.abortCommandLimit());
        c.put("error_log_entries", info.errorLogEntries());
        c.put("total_capacity_bytes", info.totalCapacity());
        c.put("subsystem_nqn", info.subsystemNqn());
        c.put("dma_hugepages", device.dmaMemory().hugePages());
        List<Object> namespaces = new ArrayList<>();
        for (Namespace ns : controller.namespaces()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("nsid", ns.nsid());
            n.put("blocks", ns.blockCount());
            n.put("block_size", ns.blockSize());
            n.put("size_bytes", ns.sizeBytes());
            n.put("capacity_blocks", ns.capacityBlocks());
            n.put("metadata_size", ns.metadataSize());
            n.put("max_blocks_per_io", ns.maxBlocksPerIo());
            n.put("deallocated_reads_zeroes", ns.deallocatedReadsZeroes());
            if (!Units.allZero(ns.nguid())) n.put("nguid", Units.hex(ns.nguid()));
            if (!Units.allZero(ns.eui64())) n.put("eui64", Units.hex(ns.eui64()));
            ns.uuid().ifPresent(u -> n.put("uuid", u.toString()));
            namespaces.add(n);
        }
        SmartHealth smart = controller.smartHealth();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("critical_warning", smart.criticalWarning());
        health.put("temperature_celsius", smart.temperatureCelsius());
        health.put("available_spare_percent", smart.availableSparePercent());
        health.put("percentage_used", smart.percentageUsed());
        health.put("data_units_read", smart.dataUnitsRead());
        health.put("data_units_written", smart.dataUnitsWritten());
        health.put("host_read_commands", smart.hostReadCommands());
        health.put("host_write_commands", smart.hostWriteCommands());
        health.put("power_cycles", smart.powerCycles());
        health.put("power_on_hours", smart.powerOnHours());
        health.put("unsafe_shutdowns", smart.unsafeShutdowns());
        health.put("media_errors", smart.mediaErrors());
        health.put("error_log_entries", smart.errorLogEntries());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("controller", c);
        report.put("namespaces", namespaces);
        report.put("smart", health);
        return report;
    }

    private static List<String> optionalCommands(int oncs) {
        List<String> names = new ArrayList<>();
        if ((oncs & IdentifyController.ONCS_COMPARE) != 0) names.add("Compare");
        if ((oncs & IdentifyController.ONCS_WRITE_UNCORRECTABLE) != 0) names.add("Write Uncorrectable");
        if ((oncs & IdentifyController.ONCS_DATASET_MANAGEMENT) != 0) names.add("Dataset Management");
        if ((oncs & IdentifyController.ONCS_WRITE_ZEROES) != 0) names.add("Write Zeroes");
        if ((oncs & IdentifyController.ONCS_SAVE_SELECT) != 0) names.add("Save/Select in Features");
        if ((oncs & IdentifyController.ONCS_RESERVATIONS) != 0) names.add("Reservations");
        if ((oncs & IdentifyController.ONCS_TIMESTAMP) != 0) names.add("Timestamp");
        if ((oncs & IdentifyController.ONCS_VERIFY) != 0) names.add("Verify");
        if ((oncs & IdentifyController.ONCS_COPY) != 0) names.add("Copy");
        return names;
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> report) {
        StringBuilder s = new StringBuilder();
        Map<String, Object> c = (Map<String, Object>) report.get("controller");
        s.append("Controller ").append(c.get("uri")).append('\n');
        row(s, "Model", c.get("model"));
        row(s, "Serial", c.get("serial"));
        row(s, "Firmware", c.get("firmware"));
        row(s, "NVMe version", c.get("version"));
        row(s, "Vendor", c.get("vendor_id") + " (subsystem " + c.get("subsystem_vendor_id") + ")");
        row(s, "Controller ID", c.get("controller_id"));
        long mdts = (Long) c.get("max_transfer_bytes");
        row(
                s,
                "Max transfer",
                (mdts == 0 ? "unlimited" : Units.bytes(mdts)) + " (driver uses "
                        + Units.bytes((Long) c.get("driver_max_transfer_bytes")) + ")");
        row(
                s,
                "I/O queue pairs",
                c.get("io_queue_pairs") + " granted, " + c.get("max_queue_entries") + " entries each at most");
        row(s, "Doorbell stride", c.get("doorbell_stride_bytes") + " B");
        row(s, "Ready timeout", c.get("ready_timeout_ms") + " ms (CAP.TO)");
        row(s, "Write cache", (Boolean) c.get("volatile_write_cache") ? "volatile, present" : "none");
        row(s, "Optional commands", String.join(", ", (List<String>) c.get("optional_nvm_commands")));
        row(s, "Abort limit", c.get("abort_command_limit"));
        row(s, "Error log", c.get("error_log_entries") + " entries");
        row(s, "Total capacity", Units.bytes(((java.math.BigInteger) c.get("total_capacity_bytes")).longValue()));
        row(s, "Subsystem NQN", c.get("subsystem_nqn"));
        row(s, "DMA memory", (Boolean) c.get("dma_hugepages") ? "2 MiB hugepages" : "4 KiB pages (no hugepages)");
        for (Object o : (List<Object>) report.get("namespaces")) {
            Map<String, Object> n = (Map<String, Object>) o;
            s.append("Namespace ").append(n.get("nsid")).append('\n');
            row(
                    s,
                    "Size",
                    n.get("blocks") + " blocks x " + n.get("block_size") + " B = "
                            + Units.bytes((Long) n.get("size_bytes")));
            row(s, "Capacity", n.get("capacity_blocks") + " blocks");
            row(s, "Metadata", n.get("metadata_size") + " B per block");
            row(s, "Per I/O", "up to " + n.get("max_blocks_per_io") + " blocks");
            row(s, "Deallocated reads", (Boolean) n.get("deallocated_reads_zeroes") ? "zeroes" : "not reported");
            if (n.containsKey("nguid")) row(s, "NGUID", n.get("nguid"));
            if (n.containsKey("eui64")) row(s, "EUI64", n.get("eui64"));
            if (n.containsKey("uuid")) row(s, "UUID", n.get("uuid"));
        }
        Map<String, Object> h = (Map<String, Object>) report.get("smart");
        s.append("SMART / Health\n");
        row(s, "Critical warning", String.format("0x%02x", (Integer) h.get("critical_warning")));
        row(s, "Temperature", h.get("temperature_celsius") + " °C");
        row(s, "Available spare", h.get("available_spare_percent") + " %");
        row(s, "Percentage used", h.get("percentage_used") + " %");
        row(s, "Data read", h.get("data_units_read") + " x 512,000 B");
        row(s, "Data written", h.get("data_units_written") + " x 512,000 B");
        row(s, "Commands", h.get("host_read_commands") + " reads, " + h.get("host_write_commands") + " writes");
        row(
                s,
                "Power",
                h.get("power_cycles") + " cycles, " + h.get("power_on_hours") + " hours, " + h.get("unsafe_shutdowns")
                        + " unsafe shutdowns");
        row(s, "Errors", h.get("media_errors") + " media, " + h.get("error_log_entries") + " logged");
        return s.toString();
    }

    private static void row(StringBuilder s, String name, Object value) {
        s.append(String.format("  %-18s %s%n", name, value));
    }
}
