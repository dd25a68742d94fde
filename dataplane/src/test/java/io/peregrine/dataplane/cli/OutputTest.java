package io.peregrine.dataplane.cli;

import static io.peregrine.dataplane.cli.Fixtures.VOLUME;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.JsonFormat;
import io.peregrine.dataplane.api.v1.Health;
import io.peregrine.dataplane.api.v1.Volume;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTest {

    private static String print(OutputFormat format, com.google.protobuf.MessageOrBuilder m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Output(format, new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(m, () -> "the table");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsTheCanonicalMappingWithEveryFieldInProtoOrder() throws Exception {
        String json = print(OutputFormat.JSON, VOLUME);
        assertEquals("""
                {
                  "uuid": "2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21",
                  "name": "pvc-1",
                  "pool": "tank",
                  "kind": "VOLUME",
                  "sizeBytes": "10737418240",
                  "allocatedBytes": "12582912",
                  "provisioning": "THIN",
                  "parentUuid": "",
                  "readOnly": false,
                  "xattrs": {
                    "csi.storage.k8s.io/pvc/name": "data",
                    "team": "payments"
                  },
                  "createdAt": "2026-11-20T10:11:12Z",
                  "subsystemNqn": "nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21"
                }
                """, json);
        Volume.Builder back = Volume.newBuilder();
        JsonFormat.parser().merge(json, back);
        assertEquals(VOLUME, back.build(), "the JSON reads back into the same message");
    }

    @Test
    void yamlIsTheSameDocument() {
        assertEquals("""
                uuid: "2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21"
                name: pvc-1
                pool: tank
                kind: VOLUME
                sizeBytes: "10737418240"
                allocatedBytes: "12582912"
                provisioning: THIN
                parentUuid: ""
                readOnly: false
                xattrs:
                  csi.storage.k8s.io/pvc/name: data
                  team: payments
                createdAt: "2026-11-20T10:11:12Z"
                subsystemNqn: nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21
                """, print(OutputFormat.YAML, VOLUME));
        assertEquals("the table\n", print(OutputFormat.TABLE, VOLUME));
    }

    @Test
    void documentsOfSeveralMessagesKeepTheirOrder() {
        Map<String, com.google.protobuf.MessageOrBuilder> parts = new LinkedHashMap<>();
        parts.put("health", Health.newBuilder().setStatus(Health.Status.SERVING).build());
        parts.put("volume", Volume.newBuilder().setName("a").build());
        assertEquals("""
                health:
                  status: SERVING
                  checks: []
                volume:
                  uuid: ""
                  name: a
                  pool: ""
                  kind: KIND_UNSPECIFIED
                  sizeBytes: "0"
                  allocatedBytes: "0"
                  provisioning: PROVISIONING_UNSPECIFIED
                  parentUuid: ""
                  readOnly: false
                  xattrs: {}
                  subsystemNqn: ""
                """, YamlWriter.write(Output.document(parts)));
    }

    @Test
    void formatNames() throws UsageException {
        assertEquals(OutputFormat.JSON, OutputFormat.parse("JSON"));
        assertEquals(OutputFormat.YAML, OutputFormat.parse("yml"));
        assertEquals(OutputFormat.TABLE, OutputFormat.parse("table"));
        assertEquals(
                "--output 'xml': use table, json or yaml, e.g. -o json",
                org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> OutputFormat.parse("xml"))
                        .getMessage());
    }
}
