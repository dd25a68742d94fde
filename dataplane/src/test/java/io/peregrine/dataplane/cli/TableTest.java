package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAlignTextLeftAndFiguresRight() {
        String t = new Table()
                .left("NAME")
                .right("SIZE")
                .left("NOTE")
                .row("tank/pvc-1", "10 GiB", "")
                .row("t/a", "512 MiB", "x")
                .render();
        assertEquals("""
                NAME            SIZE   NOTE
                tank/pvc-1    10 GiB
                t/a          512 MiB   x
                """, t);
    }

    @Test
    void rowsMustFillEveryColumn() {
        assertThrows(IllegalArgumentException.class, () -> new Table().left("A").row("1", "2"));
    }

    @Test
    void detailsAlignValuesAndContinueLines() {
        String d = new Details()
                .add("Name", "tank/pvc-1")
                .add("Size", "10 GiB")
                .addAll("Attributes", List.of("a=1", "b=2"))
                .addAll("Hosts", List.of())
                .render();
        assertEquals("""
                Name:        tank/pvc-1
                Size:        10 GiB
                Attributes:  a=1
                             b=2
                Hosts:       -
                """, d);
    }

    @Test
    void humanFigures() {
        assertEquals("0 B", Human.size(0));
        assertEquals("1.5 GiB", Human.size(3L << 29));
        assertEquals("10 GiB (10737418240 bytes)", Human.sizeExact(10L << 30));
        assertEquals("512 B", Human.sizeExact(512));
        assertEquals("-", Human.percent(1, 0));
        assertEquals("0%", Human.percent(0, 10));
        assertEquals("0.3%", Human.percent(3, 1000));
        assertEquals("42%", Human.percent(42, 100));
        assertEquals("850ns", Human.duration(850));
        assertEquals("40us", Human.duration(40_000));
        assertEquals("12ms", Human.duration(12_000_000));
        assertEquals("3.2s", Human.duration(3_200_000_000L));
        assertEquals("4m10s", Human.duration(250_000_000_000L));
        assertEquals("2h05m", Human.duration(7_500_000_000_000L));
        assertEquals("3d04h", Human.duration((3 * 86400L + 4 * 3600) * 1_000_000_000L));
        assertEquals("-", Human.instant(Timestamp.getDefaultInstance()));
        assertEquals(
                "2026-11-20T10:11:12Z",
                Human.instant(Timestamp.newBuilder()
                        .setSeconds(1_795_169_472L)
                        .setNanos(5)
                        .build()));
    }
}
