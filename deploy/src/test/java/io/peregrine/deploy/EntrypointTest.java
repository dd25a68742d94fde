package io.peregrine.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image, the launcher and the chart agree: a command means the same program in the image
 * as in ./peregrine, every command the chart runs exists in the image, and the chart names the
 * image this module builds.
 */
class EntrypointTest {

    private static final Path ROOT =
            Path.of(System.getProperty("peregrine.root", "..")).toAbsolutePath().normalize();
    private static final Pattern IMAGE_COMMAND = Pattern.compile("(?m)^\\s+([a-z-]+)\\)\\s+main=(\\S+) ;;$");
    private static final Pattern LAUNCHER_ROW = Pattern.compile("(?m)^\\s+\"([a-z-]+)\\|[^|]+\\|([^|]+)\\|");
    private static final Pattern CHART_COMMAND =
            Pattern.compile("(?m)(?:args:\\s*\\[([a-z-]+),|args:\\s*\\n\\s+- ([a-z-]+)\\s*$)");

    static Map<String, String> imageCommands() throws IOException {
        return table(IMAGE_COMMAND, Files.readString(ROOT.resolve("deploy/src/main/jib/usr/local/bin/peregrine")));
    }

    @Test
    void commandsMeanTheSameProgramAsInTheLauncher() throws IOException {
        Map<String, String> image = imageCommands();
        Map<String, String> launcher = table(LAUNCHER_ROW, Files.readString(ROOT.resolve("peregrine")));
        assertTrue(image.size() >= 9, image::toString);
        assertTrue(launcher.size() >= 5, launcher::toString);
        image.forEach((command, main) -> {
            if (launcher.containsKey(command)) {
                assertEquals(launcher.get(command), main, "'" + command + "' in the image vs ./peregrine");
            }
        });
    }

    @Test
    void everyCommandTheChartRunsIsInTheImage() throws IOException {
        Map<String, String> image = imageCommands();
        List<String> used;
        try (Stream<Path> templates = Files.list(ROOT.resolve("helm/peregrine/templates"))) {
            used = templates
                    .filter(p -> p.toString().endsWith(".yaml"))
                    .flatMap(p -> {
                        try {
                            Matcher m = CHART_COMMAND.matcher(Files.readString(p));
                            return m.results().map(r -> r.group(1) != null ? r.group(1) : r.group(2));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(c -> !c.startsWith("-"))
                    .distinct()
                    .sorted()
                    .toList();
        }
        assertEquals(List.of("csi", "dataplane", "node-agent", "operator"), used);
        for (String command : used) {
            assertTrue(
                    image.containsKey(command),
                    () -> "the chart runs '" + command + "', the image has " + image.keySet());
        }
    }

    @Test
    void theChartNamesThisImage() throws IOException {
        String image = System.getProperty("peregrine.image", "");
        String chart = Files.readString(ROOT.resolve("helm/peregrine/Chart.yaml"));
        Matcher appVersion = Pattern.compile("(?m)^appVersion: \"([^\"]+)\"$").matcher(chart);
        assertTrue(appVersion.find(), "Chart.yaml has no quoted appVersion");
        assertEquals(
                "peregrine:" + appVersion.group(1),
                image,
                "deploy/pom.xml's peregrine.image vs the chart's appVersion");
        assertTrue(Files.readString(ROOT.resolve("helm/peregrine/values.yaml")).contains("repository: peregrine\n"));
    }

    private static Map<String, String> table(Pattern row, String text) {
        Map<String, String> commands = new LinkedHashMap<>();
        row.matcher(text).results().forEach(r -> commands.put(r.group(1), r.group(2)));
        return commands;
    }
}
