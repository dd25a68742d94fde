package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * One entry of {@code status.conditions}, with the fields and meaning of Kubernetes'
 * {@code metav1.Condition}: {@code status} is "True", "False" or "Unknown"; {@code reason} is a
 * CamelCase word a program can switch on; {@code message} says, for a person, what happened and
 * what to do; {@code lastTransitionTime} changes only when {@code status} changes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Condition(
        @JsonPropertyDescription("Ready, SpecApplied or DeletionBlocked.")
        String type,

        @JsonPropertyDescription("True, False or Unknown.") String status,

        @JsonPropertyDescription("Why, as one CamelCase word a program can switch on.")
        String reason,

        @JsonPropertyDescription("What happened and what to do, for a person.")
        String message,

        @JsonPropertyDescription("The metadata.generation this condition was computed from.")
        Long observedGeneration,

        @JsonPropertyDescription("When status last changed (RFC 3339).")
        String lastTransitionTime) {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    @JsonIgnore
    public boolean isTrue() {
        return TRUE.equals(status);
    }
}
