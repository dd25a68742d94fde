package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The dataplane's answer to CheckHealth. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record NodeHealth(
        @JsonPropertyDescription("Serving, Degraded or NotServing.")
        String status,

        @JsonPropertyDescription("Each check the dataplane ran; failing ones say why.")
        List<Check> checks) {

    public NodeHealth {
        checks = Lists.orEmpty(checks);
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Check(String name, boolean ok, String message) {}
}
