import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The summary `./peregrine test` ends with: per-module counts from this run's surefire reports
 * (those newer than the marker file), every failed test by name, and each distinct reason a test
 * was skipped -- so "skipped because the guest lab cannot run here" is one clear line.
 *
 * <p>usage: java etc/TestSummary.java ROOT MARKER BUILD_STATUS
 */
public class TestSummary {

    record Counts(int tests, int failures, int errors, int skipped) {
        Counts plus(Counts o) {
            return new Counts(tests + o.tests, failures + o.failures, errors + o.errors, skipped + o.skipped);
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        FileTime since = Files.getLastModifiedTime(Path.of(args[1]));
        int buildStatus = Integer.parseInt(args[2]);
        Map<String, Counts> modules = new TreeMap<>();
        Map<String, Integer> skipReasons = new TreeMap<>();
        List<String> failed = new ArrayList<>();

        for (Path report : reports(root, since)) {
            String module = root.relativize(report.getParent().getParent().getParent()).toString();
            Element suite = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(report.toFile())
                    .getDocumentElement();
            Counts counts = new Counts(
                    count(suite, "tests"), count(suite, "failures"), count(suite, "errors"), count(suite, "skipped"));
            modules.merge(module, counts, Counts::plus);
            NodeList cases = suite.getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                String name = testCase.getAttribute("classname") + "#" + testCase.getAttribute("name");
                NodeList skipped = testCase.getElementsByTagName("skipped");
                if (skipped.getLength() > 0) {
                    String reason = ((Element) skipped.item(0)).getAttribute("message").strip();
                    skipReasons.merge(reason.isEmpty() ? "(no reason given)" : reason, 1, Integer::sum);
                }
                if (testCase.getElementsByTagName("failure").getLength() > 0
                        || testCase.getElementsByTagName("error").getLength() > 0) {
                    failed.add(name);
                }
            }
        }

        System.out.println();
        System.out.println("=== Peregrine test summary ===");
        if (modules.isEmpty()) {
            System.out.println("no test reports were written by this run (did the build fail before the tests?)");
            return;
        }
        String row = "%-36s %7s %7s %7s %7s%n";
        System.out.printf(row, "module", "tests", "failed", "errors", "skipped");
        Counts total = new Counts(0, 0, 0, 0);
        for (var entry : modules.entrySet()) {
            Counts c = entry.getValue();
            System.out.printf(row, entry.getKey(), c.tests, c.failures, c.errors, c.skipped);
            total = total.plus(c);
        }
        System.out.printf(row, "TOTAL", total.tests, total.failures, total.errors, total.skipped);
        List<String> notRun = modulesWithTests(root).stream()
                .filter(m -> !modules.containsKey(m))
                .toList();
        notRun.forEach(m -> System.out.printf(
                "NOT RUN: %s (the build stopped before its tests, e.g. a module it needs failed)%n", m));
        skipReasons.forEach((reason, n) -> System.out.printf("skipped %d: %s%n", n, reason));
        failed.forEach(name -> System.out.println("FAILED: " + name));
        if (total.failures + total.errors > 0 || !notRun.isEmpty()) {
            System.out.println("result: FAIL");
        } else if (buildStatus != 0) {
            System.out.println("result: FAIL (every test passed, but the build failed: a quality gate, see above)");
        } else {
            System.out.println("result: PASS");
        }
    }

    /** Every module directory (relative to the root) that has tests of its own. */
    private static List<String> modulesWithTests(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root, 4)) {
            return files.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .map(Path::getParent)
                    .filter(dir -> !dir.startsWith(root.resolve(".git")))
                    .filter(dir -> dir.getFileName() != null && !dir.getFileName().toString().equals("target"))
                    .filter(dir -> Files.isDirectory(dir.resolve("src/test/java")))
                    .map(dir -> root.relativize(dir).toString())
                    .sorted()
                    .toList();
        }
    }

    private static int count(Element suite, String attribute) {
        String value = suite.getAttribute(attribute);
        return value.isEmpty() ? 0 : Integer.parseInt(value);
    }

    private static List<Path> reports(Path root, FileTime since) throws IOException {
        try (Stream<Path> files = Files.walk(root, 6)) {
            return files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                    .filter(p -> p.getParent().getFileName().toString().equals("surefire-reports"))
                    .filter(p -> !p.startsWith(root.resolve(".git")))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).compareTo(since) >= 0;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted()
                    .toList();
        }
    }
}
