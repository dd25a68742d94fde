package io.peregrine.csi.identity;

import com.google.protobuf.BoolValue;
import io.grpc.stub.StreamObserver;
import io.peregrine.csi.CsiDriver;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.csi.v1.GetPluginCapabilitiesRequest;
import io.peregrine.csi.v1.GetPluginCapabilitiesResponse;
import io.peregrine.csi.v1.GetPluginInfoRequest;
import io.peregrine.csi.v1.GetPluginInfoResponse;
import io.peregrine.csi.v1.IdentityGrpc;
import io.peregrine.csi.v1.PluginCapability;
import io.peregrine.csi.v1.ProbeRequest;
import io.peregrine.csi.v1.ProbeResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSI Identity service, served on every endpoint. Capabilities are those of the plugin as
 * a whole, the same on controller and node instances (spec: all instances of one version MUST
 * report the same set). Probe runs the instance's readiness checks: the dataplane's health for
 * a controller, the kernel NVMe/TCP host for a node.
 */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {

    private final List<Readiness.Check> checks;

    public IdentityService(List<Readiness.Check> checks) {
        this.checks = List.copyOf(checks);
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest request, StreamObserver<GetPluginInfoResponse> response) {
        response.onNext(GetPluginInfoResponse.newBuilder()
                .setName(CsiDriver.NAME)
                .setVendorVersion(CsiDriver.version())
                .putManifest("url", "https://peregrine.io")
                .build());
        response.onCompleted();
    }

    @Override
    public void getPluginCapabilities(
            GetPluginCapabilitiesRequest request, StreamObserver<GetPluginCapabilitiesResponse> response) {
        response.onNext(GetPluginCapabilitiesResponse.newBuilder()
                .addCapabilities(service(PluginCapability.Service.Type.CONTROLLER_SERVICE))
                .addCapabilities(service(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS))
                .addCapabilities(PluginCapability.newBuilder()
                        .setVolumeExpansion(PluginCapability.VolumeExpansion.newBuilder()
                                .setType(PluginCapability.VolumeExpansion.Type.ONLINE)))
                .build());
        response.onCompleted();
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        List<String> unhealthy = new ArrayList<>();
        List<String> starting = new ArrayList<>();
        for (Readiness.Check check : checks) {
            switch (check.check()) {
                case Readiness.Ready ready -> {}
                case Readiness.Starting s -> starting.add(s.why());
                case Readiness.Unhealthy u -> unhealthy.add(u.why());
            }
        }
        if (!unhealthy.isEmpty()) {
            response.onError(CsiErrors.failedPrecondition(String.join("; ", unhealthy)));
            return;
        }
        response.onNext(ProbeResponse.newBuilder()
                .setReady(BoolValue.of(starting.isEmpty()))
                .build());
        response.onCompleted();
    }

    private static PluginCapability service(PluginCapability.Service.Type type) {
        return PluginCapability.newBuilder()
                .setService(PluginCapability.Service.newBuilder().setType(type))
                .build();
    }
}
