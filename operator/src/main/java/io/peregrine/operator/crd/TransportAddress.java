package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An NVMe over Fabrics transport address, named as in the Discovery Log Page (NVMe-oF 1.1, 5.4). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TransportAddress(
        @JsonPropertyDescription("Transport type: tcp.") String trtype,

        @JsonPropertyDescription("Address family: ipv4 or ipv6.")
        String adrfam,

        @JsonPropertyDescription("Address, e.g. 10.0.0.7.") String traddr,

        @JsonPropertyDescription("Service id (port), e.g. 4420.")
        String trsvcid) {}
