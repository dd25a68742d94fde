package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helm lint --strict} (warnings fail too), with the chart's values and with every option on. */
class ChartLintTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void lintsCleanInStrictMode() {
        assertLintsClean(RenderedChart.chart());
    }

    /** helm-java's lint takes no values: lint a copy of the chart whose values.yaml has them merged in. */
    @Test
    void lintsCleanWithEveryOptionOn(@TempDir Path temp) throws IOException {
        Path copy = temp.resolve("peregrine");
        copyTree(RenderedChart.chart(), copy);
        Map<String, Object> values = YAML.readValue(copy.resolve("values.yaml").toFile(), mapType());
        try (InputStream in = ChartLintTest.class.getResourceAsStream("/everything-on.yaml")) {
            merge(values, YAML.readValue(in, mapType()));
        }
        YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        assertLintsClean(copy);
    }

    private static void assertLintsClean(Path chart) {
        LintResult result = new Helm(chart).lint().strict().call();
        assertFalse(
                result.isFailed(),
                () -> "helm lint --strict " + chart + ":\n" + String.join("\n", result.getMessages()));
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            if (value instanceof Map<?, ?> m && into.get(key) instanceof Map<?, ?> existing) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existing);
                merge(merged, (Map<String, Object>) m);
                into.put(key, merged);
            } else {
                into.put(key, value); // lists and scalars replace, as Helm does
            }
        });
    }

    private static com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> mapType() {
        return new com.fasterxml.jackson.core.type.TypeReference<>() {};
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
