package io.peregrine.csi.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void parsesTheSidecarsSpelling() {
        assertEquals(
                Path.of("/csi/csi.sock"), Endpoint.parse("unix:///csi/csi.sock").socket());
        assertEquals(
                Path.of("/csi/csi.sock"), Endpoint.parse("unix:/csi/csi.sock").socket());
        assertEquals(
                "unix:///csi/csi.sock", Endpoint.parse("unix:///csi/csi.sock").toString());
    }

    @Test
    void rejectsWhatIsNotAnAbsoluteUnixSocket() {
        for (String bad : new String[] {"", "tcp://127.0.0.1:10000", "/csi/csi.sock", "unix://relative/x.sock"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(bad), bad);
            assertTrue(e.getMessage().contains("unix://"), e.getMessage());
        }
    }
}
