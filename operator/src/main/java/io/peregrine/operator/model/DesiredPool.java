package io.peregrine.operator.model;

import io.peregrine.operator.crd.DeletionPolicy;
import io.peregrine.operator.crd.DiskPoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The pool a DiskPool asks for, checked: what the reconciler asks the dataplane to create or
 * import. Built by {@link #from}, which never throws; a spec that cannot work yields every
 * problem at once, so the user fixes them in one edit.
 *
 * @param name the pool's name on the dataplane: the DiskPool's metadata.name
 */
public record DesiredPool(
        String name, String node, DiskUri disk, long clusterSizeBytes, DeletionPolicy deletionPolicy) {

    // The dataplane API's naming rule (dataplane.proto header).
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    /** The outcome of checking a spec. */
    public sealed interface Check permits Valid, Invalid {}

    public record Valid(DesiredPool pool) implements Check {}

    /** @param problems each one says what is wrong and what to write instead */
    public record Invalid(List<String> problems) implements Check {
        public String message() {
            return String.join("; ", problems);
        }
    }

    public static Check from(String name, DiskPoolSpec spec) {
        List<String> problems = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("the name '" + name + "' cannot name a pool: use 1 to 63 letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
        if (spec == null) {
            problems.add("spec is missing; set spec.node and spec.disks");
            return new Invalid(problems);
        }
        if (spec.node() == null || spec.node().isBlank()) {
            problems.add("spec.node is empty; name the Kubernetes node whose dataplane owns the disk");
        }
        DiskUri disk = null;
        if (spec.disks().isEmpty()) {
            problems.add("spec.disks is empty; name the disk, e.g. pcie://0000:00:04.0");
        } else if (spec.disks().size() > 1) {
            problems.add("spec.disks names " + spec.disks().size()
                    + " disks; a pool lives on exactly one disk in v1alpha1: create one DiskPool per disk");
        } else {
            try {
                disk = DiskUri.parse(spec.disks().getFirst());
            } catch (DiskUri.InvalidDiskUriException e) {
                problems.add("spec.disks[0] " + e.getMessage());
            }
        }
        long clusterSize = 0;
        try {
            clusterSize = ClusterSize.bytes(spec.clusterSize());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            return new Invalid(List.copyOf(problems));
        }
        return new Valid(new DesiredPool(name, spec.node(), disk, clusterSize, spec.deletionPolicyOrDefault()));
    }
}
