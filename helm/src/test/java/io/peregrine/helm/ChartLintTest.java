package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: warnings fail too. */
class ChartLintTest {

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = new Helm(RenderedChart.chart()).lint().strict().call();
        assertFalse(result.isFailed(), () -> "helm lint --strict:\n" + String.join("\n", result.getMessages()));
    }
}
