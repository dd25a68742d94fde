package io.peregrine.csi.volume;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * An NVMe over Fabrics transport address as the Discovery Log Page names its parts (TRTYPE,
 * ADRFAM, TRADDR, TRSVCID), written {@code tcp://10.0.0.7:4420} or {@code tcp://[fd00::7]:4420}
 * in a publish context.
 */
public record TargetAddress(String trtype, String adrfam, String traddr, String trsvcid) {

    public TargetAddress {
        if (!"tcp".equals(trtype)) {
            throw new IllegalArgumentException("only the tcp transport is supported, got '" + trtype + "'");
        }
        if (!"ipv4".equals(adrfam) && !"ipv6".equals(adrfam)) {
            throw new IllegalArgumentException("adrfam must be ipv4 or ipv6, got '" + adrfam + "'");
        }
        if (traddr == null || traddr.isBlank()) throw new IllegalArgumentException("traddr is empty");
        int port;
        try {
            port = Integer.parseInt(trsvcid);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trsvcid must be a TCP port, got '" + trsvcid + "'");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("trsvcid out of range: " + port);
    }

    public static TargetAddress tcp(String traddr, int port) {
        return new TargetAddress("tcp", traddr.contains(":") ? "ipv6" : "ipv4", traddr, Integer.toString(port));
    }

    public static TargetAddress parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a target address (tcp://HOST:PORT): '" + text + "'", e);
        }
        if (uri.getScheme() != null && !"tcp".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "only the tcp transport is supported (tcp://HOST:PORT), got '" + text + "'");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("not a target address (tcp://HOST:PORT): '" + text + "'");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return tcp(host, uri.getPort());
    }

    public String toUri() {
        String host = "ipv6".equals(adrfam) ? "[" + traddr + "]" : traddr;
        return trtype + "://" + host + ":" + trsvcid;
    }
}
