package io.peregrine.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json turns a mistake into a message that names the value, before anything is installed. */
class ValuesSchemaTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "dataplane.cores        | 0                  | cores",
                "dataplane.hugepagesMi  | 1023               | hugepagesMi",
                "dataplane.coreList     | two                | coreList",
                "dataplane.pools[0].disk| /dev/sdb           | pools",
                "tls.mode               | self-signed        | mode",
                "storageClasses[0].fsType| btrfs             | fsType",
                "volumeSnapshotClass.create| yes             | create",
                "dataplane.hugepages    | 1024               | hugepages",
                "operator.leaderElection.leaseDuration| 15   | leaseDuration",
            })
    void rejects(String key, String value, String named) {
        Map<String, Object> values = key.startsWith("dataplane.pools")
                ? Map.of(key, value, "dataplane.pools[0].name", "p", "dataplane.pools[0].node", "n")
                : Map.of(key, value);
        Exception e = assertThrows(Exception.class, () -> RenderedChart.render(values));
        assertTrue(e.getMessage().contains("values don't meet the specifications of the schema"), e::getMessage);
        assertTrue(e.getMessage().contains(named), e::getMessage);
    }
}
