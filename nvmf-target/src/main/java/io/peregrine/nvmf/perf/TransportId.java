package io.peregrine.nvmf.perf;

import io.peregrine.nvmf.core.Nqn;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A transport ID in the SPDK/{@code spdk_nvme_perf} form: {@code 'trtype:tcp traddr:127.0.0.1
 * trsvcid:4420 subnqn:NQN'}, optionally with {@code hostnqn:NQN} and {@code ns:NSID}.
 */
public record TransportId(InetSocketAddress address, String subnqn, String hostnqn, int nsid) {

    public static TransportId parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.trim().split("\\s+")) {
            int colon = part.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("'" + part + "' in -r is not KEY:VALUE");
            String key = part.substring(0, colon).toLowerCase(Locale.ROOT);
            if (fields.put(key, part.substring(colon + 1)) != null) {
                throw new IllegalArgumentException("-r names " + key + " twice");
            }
        }
        String trtype = fields.remove("trtype");
        if (trtype == null || !trtype.equalsIgnoreCase("tcp")) {
            throw new IllegalArgumentException("-r needs trtype:tcp (the only transport), got " + trtype);
        }
        String adrfam = fields.remove("adrfam");
        if (adrfam != null && !adrfam.equalsIgnoreCase("ipv4") && !adrfam.equalsIgnoreCase("ipv6")) {
            throw new IllegalArgumentException("adrfam is ipv4 or ipv6, got " + adrfam);
        }
        String traddr = require(fields, "traddr");
        String trsvcid = fields.containsKey("trsvcid") ? fields.remove("trsvcid") : "4420";
        int port;
        try {
            port = Integer.parseInt(trsvcid);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trsvcid is a TCP port number, got " + trsvcid);
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("trsvcid must be 1..65535, got " + port);
        String subnqn = Nqn.require(require(fields, "subnqn"));
        String hostnqn = fields.remove("hostnqn");
        if (hostnqn != null) Nqn.require(hostnqn);
        int nsid = fields.containsKey("ns") ? Integer.parseInt(fields.remove("ns")) : 1;
        if (!fields.isEmpty()) throw new IllegalArgumentException("-r has unknown keys " + fields.keySet());
        return new TransportId(new InetSocketAddress(traddr, port), subnqn, hostnqn, nsid);
    }

    private static String require(Map<String, String> fields, String key) {
        String value = fields.remove(key);
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("-r needs " + key + ":...");
        return value;
    }
}
