package io.peregrine.csi.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PublishContextTest {

    private static final UUID NS = UUID.fromString("2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21");

    @Test
    void roundTripsThroughTheMapIncludingIpv6Targets() {
        PublishContext context = new PublishContext(
                "nqn.2026-11.io.peregrine:vol:" + NS,
                List.of(TargetAddress.tcp("10.0.0.7", 4420), TargetAddress.tcp("fd00::7", 4421)),
                "2B1F6C1E-8A54-4C1B-9D0E-5F0A8C3E7D21",
                Optional.of(NS));
        Map<String, String> map = context.toMap();
        assertEquals("tcp://10.0.0.7:4420,tcp://[fd00::7]:4421", map.get(PublishContext.TARGETS));
        assertEquals("2b1f6c1e8a544c1b9d0e5f0a8c3e7d21", map.get(PublishContext.NGUID), "normalised");
        assertEquals(context, PublishContext.fromMap(map));
        assertArrayEquals(
                HexFormat.of().parseHex("2b1f6c1e8a544c1b9d0e5f0a8c3e7d21"),
                context.nguidBytes().orElseThrow());
        assertEquals("ipv6", context.targets().get(1).adrfam());
    }

    @Test
    void saysWhatIsMissingOrWrong() {
        assertMessage("no 'nqn'", Map.of());
        assertMessage("no 'targets'", Map.of("nqn", "nqn.2026-11.io.peregrine:vol:x"));
        assertMessage(
                "only the tcp transport",
                Map.of("nqn", "nqn.2026-11.io.peregrine:vol:x", "targets", "rdma://1.2.3.4:4420"));
        assertMessage(
                "neither NGUID nor namespace UUID",
                Map.of("nqn", "nqn.2026-11.io.peregrine:vol:x", "targets", "tcp://1.2.3.4:4420"));
        assertMessage(
                "32 hex digits",
                Map.of("nqn", "nqn.2026-11.io.peregrine:vol:x", "targets", "tcp://1.2.3.4:4420", "nguid", "1234"));
        assertMessage(
                "not all zero",
                Map.of(
                        "nqn",
                        "nqn.2026-11.io.peregrine:vol:x",
                        "targets",
                        "tcp://1.2.3.4:4420",
                        "nguid",
                        "00000000000000000000000000000000"));
        assertMessage(
                "not an NQN", Map.of("nqn", "volume-7", "targets", "tcp://1.2.3.4:4420", "nguid", "1".repeat(32)));
    }

    private static void assertMessage(String expected, Map<String, String> map) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublishContext.fromMap(map));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
