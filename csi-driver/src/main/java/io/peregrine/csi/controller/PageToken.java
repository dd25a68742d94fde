package io.peregrine.csi.controller;

import io.peregrine.csi.server.CsiErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a ListVolumes or ListSnapshots page stopped: the storage node being listed and that
 * dataplane's own page token. Opaque to the CO (base64url); a token this plugin did not issue,
 * or one for another list, is ABORTED as the spec asks ("the starting_token is not valid").
 */
record PageToken(String list, String node, String dataplaneToken) {

    private static final String VERSION = "p1";

    String encode() {
        String raw = VERSION + "\n" + list + "\n" + node + "\n" + dataplaneToken;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Empty for the first page. */
    static Optional<PageToken> decode(String token, String list) {
        if (token.isEmpty()) return Optional.empty();
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        String[] parts = raw.split("\n", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION) || !parts[1].equals(list) || parts[2].isEmpty()) {
            throw invalid(token);
        }
        return Optional.of(new PageToken(parts[1], parts[2], parts[3]));
    }

    private static RuntimeException invalid(String token) {
        return CsiErrors.aborted("starting_token '" + token + "' was not issued by this plugin for this list; "
                + "start again without one");
    }
}
