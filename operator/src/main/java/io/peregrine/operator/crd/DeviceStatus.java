package io.peregrine.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A block device the dataplane found. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeviceStatus(
        @JsonPropertyDescription("The URI a DiskPool names in spec.disks.")
        String uri,

        @JsonPropertyDescription("NvmePcie, Uring, File, Malloc or Null.")
        String kind,

        String model,
        String serial,
        String firmware,
        Long sizeBytes,
        Integer blockSize,

        @JsonPropertyDescription("The pool on this device; empty when the device is free.")
        String pool,

        @JsonPropertyDescription("NVMe SMART critical warning bits; 0 is healthy.")
        Integer criticalWarning,

        @JsonPropertyDescription("NVMe percentage used (wear).")
        Integer percentageUsed,

        @JsonPropertyDescription("Composite temperature in kelvin.")
        Integer temperatureKelvin) {}
