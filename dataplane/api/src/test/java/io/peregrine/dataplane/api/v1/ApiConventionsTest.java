package io.peregrine.dataplane.api.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The conventions the proto's header promises, checked on the compiled descriptors so that a
 * new RPC or enum cannot quietly break them.
 */
class ApiConventionsTest {

    private final FileDescriptor file = DataplaneProto.getDescriptor();

    @Test
    void everyEnumStartsWithAnUnspecifiedZero() {
        List<EnumDescriptor> enums = new ArrayList<>(file.getEnumTypes());
        file.getMessageTypes().forEach(m -> collectEnums(m, enums));
        assertTrue(enums.size() >= 5, "the API has its enums");
        for (EnumDescriptor e : enums) {
            assertEquals(0, e.getValues().getFirst().getNumber(), e.getFullName());
            assertTrue(e.getValues().getFirst().getName().endsWith("_UNSPECIFIED"), e.getFullName());
        }
    }

    @Test
    void everyRpcTakesItsOwnRequestMessage() {
        for (ServiceDescriptor service : file.getServices()) {
            for (MethodDescriptor method : service.getMethods()) {
                assertEquals(method.getName() + "Request", method.getInputType().getName(), method.getFullName());
                assertTrue(!method.isClientStreaming() && !method.isServerStreaming(), method.getFullName());
            }
        }
    }

    @Test
    void theFourServicesAreThere() {
        assertEquals(
                List.of("NodeService", "PoolService", "VolumeService", "ExportService"),
                file.getServices().stream().map(ServiceDescriptor::getName).toList());
        assertEquals("peregrine.dataplane.v1", file.getPackage());
    }

    @Test
    void messagesRoundTripThroughTheWireFormat() throws Exception {
        Volume volume = Volume.newBuilder()
                .setUuid("2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21")
                .setName("pvc-1")
                .setPool("fast")
                .setKind(Volume.Kind.CLONE)
                .setSizeBytes(1L << 40)
                .setProvisioning(Provisioning.THIN)
                .putXattrs("csi.volume.name", "pvc-1")
                .build();
        assertEquals(volume, Volume.parseFrom(volume.toByteArray()));
    }

    private static void collectEnums(Descriptor message, List<EnumDescriptor> into) {
        into.addAll(message.getEnumTypes());
        message.getNestedTypes().forEach(n -> collectEnums(n, into));
    }
}
