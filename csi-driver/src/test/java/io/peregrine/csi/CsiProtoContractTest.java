package io.peregrine.csi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.peregrine.csi.v1.ControllerServiceCapability;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.CsiProto;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.ValidateVolumeCapabilitiesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the parts of csi.proto that make it the spec's v1.12.0 contract on the wire: package,
 * services and methods, field numbers of the messages we serve, the csi_secret and alpha
 * options. A change here is a protocol change, never a refactoring.
 */
class CsiProtoContractTest {

    private final FileDescriptor file = CsiProto.getDescriptor();

    @Test
    void packageAndServicesAreTheSpecs() {
        assertEquals("csi.v1", file.getPackage());
        assertEquals("csi.proto", file.getName());
        Map<String, List<String>> expected = Map.of(
                "Identity", List.of("GetPluginInfo", "GetPluginCapabilities", "Probe"),
                "Controller",
                        List.of(
                                "CreateVolume",
                                "DeleteVolume",
                                "ControllerPublishVolume",
                                "ControllerUnpublishVolume",
                                "ValidateVolumeCapabilities",
                                "ListVolumes",
                                "GetCapacity",
                                "ControllerGetCapabilities",
                                "CreateSnapshot",
                                "DeleteSnapshot",
                                "ListSnapshots",
                                "GetSnapshot",
                                "ControllerExpandVolume",
                                "ControllerGetVolume",
                                "ControllerModifyVolume"),
                "GroupController",
                        List.of(
                                "GroupControllerGetCapabilities",
                                "CreateVolumeGroupSnapshot",
                                "DeleteVolumeGroupSnapshot",
                                "GetVolumeGroupSnapshot"),
                "SnapshotMetadata", List.of("GetMetadataAllocated", "GetMetadataDelta"),
                "Node",
                        List.of(
                                "NodeStageVolume",
                                "NodeUnstageVolume",
                                "NodePublishVolume",
                                "NodeUnpublishVolume",
                                "NodeGetVolumeStats",
                                "NodeExpandVolume",
                                "NodeGetCapabilities",
                                "NodeGetInfo"));
        assertEquals(
                List.of("Identity", "Controller", "GroupController", "SnapshotMetadata", "Node"),
                file.getServices().stream().map(ServiceDescriptor::getName).toList());
        for (ServiceDescriptor service : file.getServices()) {
            assertEquals(
                    expected.get(service.getName()),
                    service.getMethods().stream().map(MethodDescriptor::getName).toList(),
                    service.getName());
        }
        assertTrue(file.findServiceByName("SnapshotMetadata").getOptions().getExtension(CsiProto.alphaService));
        assertTrue(file.findServiceByName("Controller")
                .findMethodByName("GetSnapshot")
                .getOptions()
                .getExtension(CsiProto.alphaMethod));
        assertTrue(file.findServiceByName("Controller")
                .findMethodByName("ControllerGetVolume")
                .getOptions()
                .getExtension(CsiProto.alphaMethod));
        assertFalse(file.findServiceByName("Controller")
                .findMethodByName("ControllerModifyVolume")
                .getOptions()
                .getExtension(CsiProto.alphaMethod));
    }

    @Test
    void everySecretsFieldIsMarkedCsiSecret() {
        List<String> secrets = new ArrayList<>();
        for (Descriptor message : allMessages()) {
            for (FieldDescriptor field : message.getFields()) {
                if (field.getName().equals("secrets")) {
                    assertTrue(field.getOptions().getExtension(CsiProto.csiSecret), field.getFullName());
                    secrets.add(message.getName());
                }
            }
        }
        assertEquals(19, secrets.size(), secrets.toString());
    }

    @Test
    void fieldNumbersOfWhatWeServeAreTheSpecs() {
        Descriptor create = CreateVolumeRequest.getDescriptor();
        assertEquals(
                Map.of(
                        "name",
                        1,
                        "capacity_range",
                        2,
                        "volume_capabilities",
                        3,
                        "parameters",
                        4,
                        "secrets",
                        5,
                        "volume_content_source",
                        6,
                        "accessibility_requirements",
                        7,
                        "mutable_params",
                        8),
                numbers(create));
        // spelled mutable_params for protobuf-java's sake; the JSON name stays the spec's
        assertEquals("mutableParameters", create.findFieldByNumber(8).getJsonName());
        assertEquals(
                "mutableParameters",
                ValidateVolumeCapabilitiesRequest.getDescriptor()
                        .findFieldByNumber(6)
                        .getJsonName());
        assertEquals(
                Map.of(
                        "volume_id",
                        1,
                        "publish_context",
                        2,
                        "staging_target_path",
                        3,
                        "volume_capability",
                        4,
                        "secrets",
                        5,
                        "volume_context",
                        6),
                numbers(NodeStageVolumeRequest.getDescriptor()));
        assertEquals(15, ControllerServiceCapability.RPC.Type.GET_SNAPSHOT.getNumber());
        assertEquals(1060, CsiProto.alphaField.getNumber());
        assertEquals(1059, CsiProto.csiSecret.getNumber());
    }

    private List<Descriptor> allMessages() {
        List<Descriptor> out = new ArrayList<>();
        file.getMessageTypes().forEach(m -> collect(m, out));
        return out;
    }

    private static void collect(Descriptor message, List<Descriptor> into) {
        into.add(message);
        message.getNestedTypes().forEach(n -> collect(n, into));
    }

    private static Map<String, Integer> numbers(Descriptor message) {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        message.getFields().forEach(f -> out.put(f.getName(), f.getNumber()));
        return out;
    }
}
