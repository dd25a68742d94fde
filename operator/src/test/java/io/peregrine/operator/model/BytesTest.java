package io.peregrine.operator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BytesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1023, 1023",
        "1024, 1Ki",
        "1536, 1.5Ki",
        "10485760, 10Mi",
        "1000204886016, 931.5Gi",
        "4398046511104, 4Ti"
    })
    void forPeople(long bytes, String text) {
        assertEquals(text, Bytes.human(bytes));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "134217728, 128Mi", "1536, 1536", "2147483648, 2Gi", "1000, 1000", "3072, 3Ki"})
    void asExactQuantities(long bytes, String text) {
        assertEquals(text, Bytes.quantity(bytes));
    }
}
