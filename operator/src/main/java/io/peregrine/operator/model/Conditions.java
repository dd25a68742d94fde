package io.peregrine.operator.model;

import io.peregrine.operator.crd.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure functions over condition lists. {@code lastTransitionTime} moves only when a condition's
 * status changes, so recomputing the same state yields an equal list and no status write.
 */
public final class Conditions {

    private Conditions() {}

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    /**
     * {@code conditions} with {@code type} set to the given values, keeping the previous
     * transition time when the status did not change; the order of types is kept, a new type goes last.
     */
    public static List<Condition> put(
            List<Condition> conditions,
            String type,
            String status,
            String reason,
            String message,
            long generation,
            Instant now) {
        Optional<Condition> previous = find(conditions, type);
        String since = previous.filter(p -> status.equals(p.status()))
                .map(Condition::lastTransitionTime)
                .orElseGet(() -> now.truncatedTo(ChronoUnit.SECONDS).toString());
        Condition next = new Condition(type, status, reason, message, generation, since);
        List<Condition> result = new ArrayList<>(conditions.size() + 1);
        boolean replaced = false;
        for (Condition c : conditions) {
            if (type.equals(c.type())) {
                result.add(next);
                replaced = true;
            } else {
                result.add(c);
            }
        }
        if (!replaced) {
            result.add(next);
        }
        return List.copyOf(result);
    }

    public static List<Condition> remove(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> !type.equals(c.type())).toList();
    }
}
