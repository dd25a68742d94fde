package io.peregrine.dataplane.server;

import io.grpc.stub.StreamObserver;
import io.peregrine.dataplane.api.v1.AddHostRequest;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ExportServiceGrpc;
import io.peregrine.dataplane.api.v1.GetExportRequest;
import io.peregrine.dataplane.api.v1.ListExportsRequest;
import io.peregrine.dataplane.api.v1.ListExportsResponse;
import io.peregrine.dataplane.api.v1.PublishVolumeRequest;
import io.peregrine.dataplane.api.v1.RemoveHostRequest;
import io.peregrine.dataplane.api.v1.TransportAddress;
import io.peregrine.dataplane.api.v1.UnpublishVolumeRequest;
import io.peregrine.dataplane.api.v1.UnpublishVolumeResponse;
import io.peregrine.dataplane.export.Exports;
import io.peregrine.dataplane.node.Node;
import java.util.List;

/** ExportService: volumes over NVMe/TCP, and who may connect to them. */
final class ExportApi extends ExportServiceGrpc.ExportServiceImplBase {
    private final Node node;

    ExportApi(Node node) {
        this.node = node;
    }

    private Export proto(Exports.Export e) {
        return Protos.export(e, Protos.listeners(node));
    }

    @Override
    public void publishVolume(PublishVolumeRequest r, StreamObserver<Export> out) {
        Rpc.answer(
                out,
                () -> proto(node.publications()
                        .publish(
                                Rpc.uuid("volume_uuid", r.getVolumeUuid()),
                                r.getAllowedHostNqnsList(),
                                r.getAllowAnyHost())));
    }

    @Override
    public void unpublishVolume(UnpublishVolumeRequest r, StreamObserver<UnpublishVolumeResponse> out) {
        Rpc.answer(out, () -> {
            node.publications().unpublish(Rpc.uuid("volume_uuid", r.getVolumeUuid()));
            return UnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void addHost(AddHostRequest r, StreamObserver<Export> out) {
        Rpc.answer(
                out,
                () -> proto(node.publications().addHost(Rpc.uuid("volume_uuid", r.getVolumeUuid()), r.getHostNqn())));
    }

    @Override
    public void removeHost(RemoveHostRequest r, StreamObserver<Export> out) {
        Rpc.answer(
                out,
                () -> proto(
                        node.publications().removeHost(Rpc.uuid("volume_uuid", r.getVolumeUuid()), r.getHostNqn())));
    }

    @Override
    public void getExport(GetExportRequest r, StreamObserver<Export> out) {
        Rpc.answer(out, () -> proto(node.publications().get(Rpc.uuid("volume_uuid", r.getVolumeUuid()))));
    }

    @Override
    public void listExports(ListExportsRequest r, StreamObserver<ListExportsResponse> out) {
        Rpc.answer(out, () -> {
            List<TransportAddress> listeners = Protos.listeners(node);
            ListExportsResponse.Builder b = ListExportsResponse.newBuilder();
            for (Exports.Export e : node.publications().list()) {
                b.addExports(Protos.export(e, listeners));
            }
            return b.build();
        });
    }
}
