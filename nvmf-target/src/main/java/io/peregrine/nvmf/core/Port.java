package io.peregrine.nvmf.core;

import io.peregrine.nvmf.fabrics.spec.DiscoveryLogPage;

/**
 * A transport address the target listens on, as the Discovery log page describes it.
 *
 * @param portId the NVM subsystem port identifier (PORTID)
 * @param address the address hosts connect to (TRADDR): the listener's, or an advertised one
 * @param port the TCP port (TRSVCID)
 */
public record Port(int portId, String address, int port) {
    /** ADRFAM: IPv6 when the address has a colon. */
    public int addressFamily() {
        return address.indexOf(':') >= 0 ? DiscoveryLogPage.ADRFAM_IPV6 : DiscoveryLogPage.ADRFAM_IPV4;
    }
}
