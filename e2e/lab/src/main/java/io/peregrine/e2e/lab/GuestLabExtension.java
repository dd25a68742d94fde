package io.peregrine.e2e.lab;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Enables {@link GuestTest}s where a guest can boot and resolves {@link GuestLab} parameters.
 * The lab is checked once per test run (kept in the root store, not in a static), and
 * {@code PEREGRINE_LAB=off} in the environment switches it off for a fast local loop.
 */
public final class GuestLabExtension implements ExecutionCondition, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(GuestLabExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if ("off".equals(System.getenv("PEREGRINE_LAB"))) {
            return ConditionEvaluationResult.disabled("guest lab switched off (PEREGRINE_LAB=off)");
        }
        GuestLab.Availability availability = context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(
                        GuestLab.Availability.class, key -> lab(context).check(), GuestLab.Availability.class);
        return availability.ready()
                ? ConditionEvaluationResult.enabled(availability.message())
                : ConditionEvaluationResult.disabled(availability.message());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GuestLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return lab(context);
    }

    private static GuestLab lab(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .computeIfAbsent(GuestLab.class, key -> GuestLab.fromClasspath(), GuestLab.class);
    }
}
