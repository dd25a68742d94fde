package io.peregrine.csi.nvme;

/**
 * A namespace block device as the host sees it ({@code /sys/block/nvmeXnY}): with native NVMe
 * multipath this is the head device shared by every path to the subsystem.
 */
public record NvmeNamespace(String name, String majorMinor, String subsystemNqn, long sizeBytes) {}
