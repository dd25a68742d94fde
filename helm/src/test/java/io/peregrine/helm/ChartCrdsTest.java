package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's {@code crds/} are the operator's generated CRDs, byte for byte: the operator's
 * build writes them from the Java classes, the chart ships a copy, and this test is what keeps
 * the copy honest.
 */
class ChartCrdsTest {

    private static final String FIX =
            "copy the generated CRDs into the chart: cp operator/target/classes/META-INF/fabric8/*.yml"
                    + " helm/peregrine/crds/ (after ./mvnw -pl operator -am install -DskipTests)";

    @ParameterizedTest
    @ValueSource(strings = {"storagenodes.peregrine.io-v1.yml", "diskpools.peregrine.io-v1.yml"})
    void chartCrdEqualsTheGeneratedOne(String file) throws IOException {
        String generated;
        try (InputStream in = ChartCrdsTest.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
            assertNotNull(in, () -> file + " is not on the test classpath: the operator's build generates it");
            generated = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path inChart = RenderedChart.chart().resolve("crds").resolve(file);
        assertEquals(generated, Files.readString(inChart), () -> inChart + " differs from the generated CRD; " + FIX);

        CustomResourceDefinition crd =
                new KubernetesSerialization().unmarshal(generated, CustomResourceDefinition.class);
        assertEquals("peregrine.io", crd.getSpec().getGroup());
    }

    @ParameterizedTest
    @ValueSource(strings = {"crds"})
    void chartShipsNoOtherCrd(String dir) throws IOException {
        try (Stream<Path> files = Files.list(RenderedChart.chart().resolve(dir))) {
            assertEquals(
                    List.of("diskpools.peregrine.io-v1.yml", "storagenodes.peregrine.io-v1.yml"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    FIX);
        }
    }
}
