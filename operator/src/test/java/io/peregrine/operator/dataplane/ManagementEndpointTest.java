package io.peregrine.operator.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManagementEndpointTest {

    @Test
    void parsesTheThreeForms() {
        assertEquals(new ManagementEndpoint.Tcp("10.0.0.7", 9443), ManagementEndpoint.parse("10.0.0.7:9443"));
        assertEquals(new ManagementEndpoint.Tcp("node-a.example", 1), ManagementEndpoint.parse("node-a.example:1"));
        assertEquals(new ManagementEndpoint.Tcp("fd00::7", 9443), ManagementEndpoint.parse("[fd00::7]:9443"));
        assertEquals(
                new ManagementEndpoint.Unix(Path.of("/run/peregrine/api.sock")),
                ManagementEndpoint.parse("unix:///run/peregrine/api.sock"));
    }

    @Test
    void printsBackWhatItParsed() {
        for (String s : new String[] {"10.0.0.7:9443", "[fd00::7]:9443", "unix:///run/peregrine/api.sock"}) {
            assertEquals(s, ManagementEndpoint.parse(s).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "10.0.0.7",
                "10.0.0.7:0",
                "10.0.0.7:65536",
                "host:port",
                "fd00::7:9443",
                "[fd00::7]",
                "unix://relative.sock",
                ":9443"
            })
    void refusesEverythingElse(String text) {
        assertThrows(IllegalArgumentException.class, () -> ManagementEndpoint.parse(text));
    }
}
