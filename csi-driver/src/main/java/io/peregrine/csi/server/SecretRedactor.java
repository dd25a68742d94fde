package io.peregrine.csi.server;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.peregrine.csi.v1.CsiProto;
import io.peregrine.csi.v1.VolumeCapability;
import java.util.List;
import java.util.Map;

/**
 * Makes CSI messages safe to log. Every field the spec marks {@code [(csi_secret) = true]} keeps
 * its keys but loses its values, and so do {@code mount_flags} (the spec says they MAY carry
 * sensitive data and MUST NOT leak to untrusted entities; logs are such an entity). Works on any
 * message, nested or repeated, by walking descriptors: a new secret field in a future spec
 * version is redacted without a code change.
 */
public final class SecretRedactor {

    public static final String REDACTED = "***";

    private static final FieldDescriptor MOUNT_FLAGS =
            VolumeCapability.MountVolume.getDescriptor().findFieldByName("mount_flags");

    private SecretRedactor() {}

    /** A copy of {@code message} with secret values replaced by {@value #REDACTED}. */
    public static Message redact(Message message) {
        Message.Builder builder = message.toBuilder();
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            if (isSecret(field)) {
                builder.setField(field, redactedValue(field, entry.getValue()));
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (field.isRepeated()) {
                    List<?> items = (List<?>) entry.getValue();
                    builder.clearField(field);
                    for (Object item : items) {
                        builder.addRepeatedField(field, redact((Message) item));
                    }
                } else {
                    builder.setField(field, redact((Message) entry.getValue()));
                }
            }
        }
        return builder.build();
    }

    /** One line, secrets redacted: what a log line may contain. */
    public static String toLogString(Message message) {
        return TextFormat.printer().emittingSingleLine(true).printToString(redact(message));
    }

    static boolean isSecret(FieldDescriptor field) {
        return field.getOptions().getExtension(CsiProto.csiSecret) || field.equals(MOUNT_FLAGS);
    }

    private static Object redactedValue(FieldDescriptor field, Object value) {
        if (field.isMapField()) {
            // map fields are repeated MapEntry messages; keep the key so a reader sees which
            // secrets were passed, never what they were
            List<?> entries = (List<?>) value;
            return entries.stream()
                    .map(e -> {
                        MapEntry<?, ?> mapEntry = (MapEntry<?, ?>) e;
                        @SuppressWarnings("unchecked")
                        MapEntry.Builder<Object, Object> b = (MapEntry.Builder<Object, Object>) mapEntry.toBuilder();
                        return b.setValue(REDACTED).build();
                    })
                    .toList();
        }
        if (field.isRepeated()) {
            return ((List<?>) value).stream().map(v -> REDACTED).toList();
        }
        return REDACTED;
    }
}
