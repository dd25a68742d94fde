package io.peregrine.nvmf.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * NVMe Qualified Names (NVMe Base 2.1, "NVMe Qualified Names"): {@code nqn.yyyy-mm.reverse.domain:
 * anything} or the UUID form {@code nqn.2014-08.org.nvmexpress:uuid:<uuid>}, at most 223 bytes of
 * UTF-8.
 */
public final class Nqn {
    /** The well-known NQN of the Discovery subsystem. */
    public static final String DISCOVERY = "nqn.2014-08.org.nvmexpress.discovery";
    /** Prefix of every subsystem this project creates. */
    public static final String PEREGRINE_PREFIX = "nqn.2026-11.io.peregrine";

    public static final int MAX_BYTES = 223;

    private static final Pattern DATED =
            Pattern.compile("nqn\\.[0-9]{4}-(0[1-9]|1[0-2])\\.[A-Za-z0-9][A-Za-z0-9.-]*(:.+)?");
    private static final Pattern UUID_FORM = Pattern.compile(
            "nqn\\.2014-08\\.org\\.nvmexpress:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Nqn() {}

    /** The NQN of the subsystem exporting volume {@code volume}. */
    public static String forVolume(UUID volume) {
        return PEREGRINE_PREFIX + ":vol:" + volume;
    }

    /** A host NQN in the UUID form, as {@code nvme gen-hostnqn} makes them. */
    public static String forHost(UUID host) {
        return "nqn.2014-08.org.nvmexpress:uuid:" + host;
    }

    /** Why {@code nqn} is not a valid NQN, or {@code null} when it is. */
    public static String problem(String nqn) {
        if (nqn == null || nqn.isEmpty()) return "an NQN is required";
        if (nqn.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "'" + nqn + "' is longer than " + MAX_BYTES + " bytes";
        }
        if (UUID_FORM.matcher(nqn).matches() || DATED.matcher(nqn).matches()) return null;
        return "'" + nqn + "' is not an NQN: expected nqn.yyyy-mm.reverse.domain[:name] or "
                + "nqn.2014-08.org.nvmexpress:uuid:<uuid>";
    }

    /** Returns {@code nqn} when valid, else throws with the reason. */
    public static String require(String nqn) {
        String problem = problem(nqn);
        if (problem != null) throw new IllegalArgumentException(problem);
        return nqn;
    }
}
