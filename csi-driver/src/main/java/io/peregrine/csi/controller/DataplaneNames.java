package io.peregrine.csi.controller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How CSI names map onto dataplane names. CSI names are the CO's idempotency keys: any Unicode
 * up to 128 bytes. Dataplane names are 1-63 characters of [A-Za-z0-9._-], unique within a pool.
 * A name that already fits is kept readable ({@code v-pvc-2b1f...}); any other is hashed
 * ({@code v-h-<40 hex>}). Prefixes keep volumes, snapshots and the hidden snapshots behind
 * volume clones apart, because they share one namespace per pool. The CSI name itself is stored
 * in an xattr and compared on every idempotent lookup, so a hash collision cannot make two
 * names one volume.
 */
public final class DataplaneNames {

    /** Xattr holding the CSI name a volume or snapshot was created for. */
    public static final String CSI_NAME = "csi.peregrine.io/name";
    /** Xattr: what a volume was created from ({@code snapshot:<id>} or {@code volume:<id>}). */
    public static final String CSI_SOURCE = "csi.peregrine.io/source";
    /** Xattr: the fsType parameter, handed to the node in the volume context. */
    public static final String CSI_FS_TYPE = "csi.peregrine.io/fsType";
    /** Xattr marking the snapshot a volume clone reads from; it goes with its last clone. */
    public static final String CLONE_SOURCE = "csi.peregrine.io/clone-source";

    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,60}");

    private DataplaneNames() {}

    public static String volume(String csiName) {
        return "v-" + fit(csiName);
    }

    public static String snapshot(String csiName) {
        return "s-" + fit(csiName);
    }

    /** The hidden snapshot a volume-to-volume clone named {@code csiName} is cut from. */
    public static String cloneSource(String csiName) {
        return "c-h-" + hash(csiName);
    }

    private static String fit(String name) {
        return READABLE.matcher(name).matches() ? name : "h-" + hash(name);
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
