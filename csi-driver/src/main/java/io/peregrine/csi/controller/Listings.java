package io.peregrine.csi.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peregrine.csi.dataplane.DataplaneErrors;
import io.peregrine.csi.server.CsiErrors;
import io.peregrine.dataplane.api.v1.Export;
import io.peregrine.dataplane.api.v1.ListVolumesRequest;
import io.peregrine.dataplane.api.v1.ListVolumesResponse;
import io.peregrine.dataplane.api.v1.Volume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Paging across storage nodes for ListVolumes and ListSnapshots. Nodes are visited in name
 * order and each dataplane pages its own volumes; the CSI token records the node and that
 * dataplane's token ({@link PageToken}). Objects this plugin did not create (no CSI name
 * xattr) are skipped, so a page may hold fewer than max_entries -- the spec allows that, never
 * more. A node that disappears between pages is skipped, not an error.
 */
final class Listings {

    /** One listed object with the node it lives on. */
    record Item(StorageNode node, Volume volume) {}

    record Page(List<Item> items, String nextToken) {}

    private final NodeDirectory directory;

    Listings(NodeDirectory directory) {
        this.directory = directory;
    }

    Page page(
            String list,
            List<StorageNode> nodes,
            List<Volume.Kind> kinds,
            Predicate<Volume> include,
            int maxEntries,
            String startingToken) {
        if (maxEntries < 0) throw CsiErrors.invalidArgument("max_entries must not be negative, got " + maxEntries);
        Optional<PageToken> token = PageToken.decode(startingToken, list);
        List<Item> items = new ArrayList<>();
        boolean resumed = token.isEmpty();
        for (int i = 0; i < nodes.size(); i++) {
            StorageNode node = nodes.get(i);
            String dataplaneToken = "";
            if (!resumed) {
                int order = node.name().compareTo(token.get().node());
                if (order < 0) continue;
                if (order == 0) dataplaneToken = token.get().dataplaneToken();
                resumed = true;
            }
            while (true) {
                int pageSize = maxEntries > 0 ? maxEntries - items.size() : 0;
                ListVolumesResponse response = list(node, kinds, pageSize, dataplaneToken);
                for (Volume v : response.getVolumesList()) {
                    if (include.test(v)) items.add(new Item(node, v));
                }
                String next = response.getNextPageToken();
                if (maxEntries > 0 && items.size() >= maxEntries) {
                    if (!next.isEmpty()) return new Page(items, new PageToken(list, node.name(), next).encode());
                    return new Page(
                            items,
                            i + 1 < nodes.size()
                                    ? new PageToken(list, nodes.get(i + 1).name(), "").encode()
                                    : "");
                }
                if (next.isEmpty()) break;
                dataplaneToken = next;
            }
        }
        return new Page(items, "");
    }

    /** The CSI node ids a volume is exported to, for LIST_VOLUMES_PUBLISHED_NODES. */
    Map<String, List<String>> publishedNodes(StorageNode node) {
        Map<String, List<String>> published = new HashMap<>();
        List<Export> exports;
        try {
            exports = node.dataplane().listExports();
        } catch (StatusRuntimeException e) {
            throw DataplaneErrors.translate(node.name(), "listing exports", e);
        }
        for (Export export : exports) {
            published.put(export.getVolumeUuid(), nodeIds(export));
        }
        return published;
    }

    List<String> nodeIds(Export export) {
        return export.getAllowedHostNqnsList().stream()
                .map(directory::nodeIdOf)
                .flatMap(Optional::stream)
                .toList();
    }

    private static ListVolumesResponse list(StorageNode node, List<Volume.Kind> kinds, int pageSize, String token) {
        try {
            return node.dataplane()
                    .listVolumes(ListVolumesRequest.newBuilder()
                            .addAllKinds(kinds)
                            .setPageSize(pageSize)
                            .setPageToken(token)
                            .build());
        } catch (StatusRuntimeException e) {
            if (!token.isEmpty() && e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                throw CsiErrors.aborted("the listing moved on since this page token was issued (" + node.name() + ": "
                        + e.getStatus().getDescription() + "); start again without a token");
            }
            throw DataplaneErrors.translate(node.name(), "listing volumes", e);
        }
    }
}
