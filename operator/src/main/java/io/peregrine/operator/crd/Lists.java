package io.peregrine.operator.crd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Lists in custom resources: never null, unmodifiable, and tolerant of null elements a user wrote. */
final class Lists {

    private Lists() {}

    static <T> List<T> orEmpty(List<T> list) {
        return list == null || list.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
