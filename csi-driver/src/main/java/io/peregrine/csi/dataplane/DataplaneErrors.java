package io.peregrine.csi.dataplane;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Turns a dataplane failure into the CSI status for the call at hand. The dataplane's codes
 * mean what CSI's mean (both follow gRPC's canonical table), so most pass through with the
 * storage node named; an unreachable dataplane becomes UNAVAILABLE, which every CO retries.
 */
public final class DataplaneErrors {

    private DataplaneErrors() {}

    public static StatusRuntimeException translate(String node, String what, StatusRuntimeException e) {
        Status status = e.getStatus();
        String detail = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        Status out = switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED ->
                Status.UNAVAILABLE.withDescription(
                        what + ": the dataplane on storage node " + node + " did not answer (" + detail + "); retry");
            case UNKNOWN, DATA_LOSS, UNIMPLEMENTED, UNAUTHENTICATED, PERMISSION_DENIED ->
                Status.INTERNAL.withDescription(
                        what + ": dataplane on " + node + " failed with " + status.getCode() + ": " + detail);
            default -> status.withDescription(what + " (storage node " + node + "): " + detail);
        };
        return out.withCause(e).asRuntimeException();
    }
}
