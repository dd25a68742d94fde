package io.peregrine.csi.nvme;

/**
 * A fabrics controller the kernel host holds ({@code /sys/class/nvme/nvmeN}): its name, the
 * subsystem it belongs to, its state ({@code live}, {@code connecting}, {@code resetting},
 * {@code deleting}, ...) and its transport address line
 * ({@code traddr=10.0.0.7,trsvcid=4420,src_addr=...}).
 */
public record NvmeController(String name, String subsystemNqn, String state, String transport, String address) {

    public boolean isLive() {
        return "live".equals(state);
    }

    /** Whether this controller was connected to {@code traddr}:{@code trsvcid}. */
    public boolean connectedTo(String traddr, String trsvcid) {
        return address.contains("traddr=" + traddr + ",") && address.contains("trsvcid=" + trsvcid);
    }
}
