package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The dataplane's DMA memory: hugepages, or the loudly reported 4 KiB fallback. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DmaMemoryStatus(
        Long hugepageSizeBytes,
        Long hugepagesTotal,
        Long hugepagesFree,

        @JsonPropertyDescription("True when no hugepages were available and DMA memory uses 4 KiB pages.")
        boolean fallbackSmallPages,

        Long poolBytes,
        Long poolUsedBytes) {}
