package io.peregrine.csi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import io.peregrine.csi.v1.ControllerPublishVolumeRequest;
import io.peregrine.csi.v1.CreateVolumeRequest;
import io.peregrine.csi.v1.NodeExpandVolumeRequest;
import io.peregrine.csi.v1.NodeStageVolumeRequest;
import io.peregrine.csi.v1.VolumeCapability;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {

    @Test
    void secretValuesAndMountFlagsAreRedactedKeysAndEverythingElseKept() {
        NodeStageVolumeRequest request = NodeStageVolumeRequest.newBuilder()
                .setVolumeId("node-a/7d0c")
                .setStagingTargetPath("/var/lib/kubelet/staging")
                .putSecrets("dhchap-key", "DHHC-1:00:s3cr3t")
                .putSecrets("user", "admin-name")
                .putPublishContext("nqn", "nqn.2026-11.io.peregrine:vol:7d0c")
                .setVolumeCapability(VolumeCapability.newBuilder()
                        .setMount(VolumeCapability.MountVolume.newBuilder()
                                .setFsType("ext4")
                                .addMountFlags("password=mountpass")))
                .build();
        String line = SecretRedactor.toLogString(request);
        assertFalse(line.contains("s3cr3t"), line);
        assertFalse(line.contains("admin-name"), line);
        assertFalse(line.contains("mountpass"), line);
        assertTrue(line.contains("dhchap-key") && line.contains("user"), "keys tell the reader what was passed");
        assertTrue(line.contains("node-a/7d0c") && line.contains("nqn.2026-11.io.peregrine:vol:7d0c"));
        assertTrue(line.contains("ext4"));
        assertFalse(line.contains("\n"), "one line");

        NodeStageVolumeRequest redacted = (NodeStageVolumeRequest) SecretRedactor.redact(request);
        assertEquals(SecretRedactor.REDACTED, redacted.getSecretsOrThrow("dhchap-key"));
        assertEquals(request.getVolumeId(), redacted.getVolumeId());
        assertEquals("DHHC-1:00:s3cr3t", request.getSecretsOrThrow("dhchap-key"), "the original is untouched");
    }

    @Test
    void worksForEveryMessageWithSecretsIncludingAlphaFields() {
        for (Message m : new Message[] {
            CreateVolumeRequest.newBuilder()
                    .setName("n")
                    .putSecrets("k", "v4lue")
                    .build(),
            ControllerPublishVolumeRequest.newBuilder().putSecrets("k", "v4lue").build(),
            NodeExpandVolumeRequest.newBuilder().putSecrets("k", "v4lue").build()
        }) {
            assertFalse(
                    SecretRedactor.toLogString(m).contains("v4lue"),
                    m.getDescriptorForType().getName());
        }
    }
}
