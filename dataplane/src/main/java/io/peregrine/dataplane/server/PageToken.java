package io.peregrine.dataplane.server;

import io.peregrine.dataplane.node.DataplaneException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ListVolumes paging: a token names the last (pool, volume) of the page it ended and the filter it
 * was made for, so the next page starts after that volume whatever was created or deleted
 * meanwhile, and a token is refused with another filter. Opaque to clients (URL-safe base64).
 */
record PageToken(String filter, String pool, String name) {
    private static final String VERSION = "p1";

    String encode() {
        String raw = VERSION + "\n" + filter + "\n" + pool + "\n" + name;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static PageToken decode(String token, String filter) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw DataplaneException.invalid("page_token '" + token + "' was not issued by this daemon;"
                    + " start again with an empty page_token");
        }
        if (!parts[1].equals(filter)) {
            throw DataplaneException.invalid(
                    "page_token belongs to a listing with another filter (pool or kinds); start again with an"
                            + " empty page_token");
        }
        return new PageToken(parts[1], parts[2], parts[3]);
    }

    /** True when (pool, name) sorts after this token's position. */
    boolean before(String otherPool, String otherName) {
        int c = pool.compareTo(otherPool);
        return c < 0 || (c == 0 && name.compareTo(otherName) < 0);
    }
}
