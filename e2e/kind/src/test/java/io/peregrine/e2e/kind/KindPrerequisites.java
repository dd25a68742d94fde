package io.peregrine.e2e.kind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the kind test, in one line that says what to do, unless this machine has what it needs:
 * docker with a running daemon, kind, kubectl, the Peregrine image built by
 * {@code ./peregrine images}, and the kernel's NVMe/TCP initiator (kind nodes share the host's
 * kernel). The CSI sidecars, the snapshot controller and the test pods' image are pulled by the
 * cluster, so it also needs their registries.
 */
final class KindPrerequisites implements ExecutionCondition {

    static Path root() {
        return Path.of(System.getProperty("peregrine.root", "../.."))
                .toAbsolutePath()
                .normalize();
    }

    static Path imageArchive() {
        return root().resolve("deploy/target/jib-image.tar");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("off".equals(System.getenv("PEREGRINE_KIND"))) {
            return ConditionEvaluationResult.disabled("kind e2e switched off (PEREGRINE_KIND=off)");
        }
        for (String program : List.of("docker", "kind", "kubectl")) {
            if (Commands.onPath(program).isEmpty()) {
                return ConditionEvaluationResult.disabled(
                        "kind e2e skipped: no " + program + " on PATH (install docker, kind and kubectl to run it)");
            }
        }
        Commands.Result docker =
                Commands.run(Duration.ofSeconds(20), List.of("docker", "info", "--format", "{{.ServerVersion}}"));
        if (!docker.ok()) {
            return ConditionEvaluationResult.disabled("kind e2e skipped: the docker daemon does not answer ("
                    + docker.output().strip().lines().findFirst().orElse("no output") + ")");
        }
        if (!Files.isRegularFile(imageArchive())) {
            return ConditionEvaluationResult.disabled(
                    "kind e2e skipped: no Peregrine image at " + imageArchive() + " (run ./peregrine images first)");
        }
        if (!Files.isDirectory(Path.of("/sys/module/nvme_tcp"))) {
            return ConditionEvaluationResult.disabled(
                    "kind e2e skipped: the kernel's nvme-tcp module is not loaded (sudo modprobe nvme-tcp)");
        }
        return ConditionEvaluationResult.enabled("docker, kind, kubectl, the image and nvme-tcp are here");
    }
}
