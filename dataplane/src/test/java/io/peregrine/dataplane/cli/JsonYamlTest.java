package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonYamlTest {
    private static final String DOC = """
            {"name": "pvc-1", "size": "10737418240", "blocks": 4096, "ratio": -1.5e-3,
             "ok": true, "none": null, "empty": {}, "list": [], "tags": ["a", "yes", "1", ""],
             "nested": {"deep": [{"x": 1, "y": [1, [2, 3]]}, "s"]},
             "text": "line\\none \\"q\\" \\\\ \\u00e9 \\ud83d\\ude00 \\t", "uri": "file:///d.img?size=10G&bs=4096"}""";

    @Test
    void readsAndWritesJson() {
        JsonValue v = JsonReader.parse(DOC);
        assertEquals("""
                {
                  "name": "pvc-1",
                  "size": "10737418240",
                  "blocks": 4096,
                  "ratio": -1.5e-3,
                  "ok": true,
                  "none": null,
                  "empty": {},
                  "list": [],
                  "tags": [
                    "a",
                    "yes",
                    "1",
                    ""
                  ],
                  "nested": {
                    "deep": [
                      {
                        "x": 1,
                        "y": [
                          1,
                          [
                            2,
                            3
                          ]
                        ]
                      },
                      "s"
                    ]
                  },
                  "text": "line\\none \\"q\\" \\\\ é 😀 \\t",
                  "uri": "file:///d.img?size=10G&bs=4096"
                }
                """, JsonWriter.write(v));
        assertEquals(v, JsonReader.parse(JsonWriter.write(v)), "what is written reads back the same");
    }

    @Test
    void writesYamlThatMeansTheSame() {
        assertEquals("""
                name: pvc-1
                size: "10737418240"
                blocks: 4096
                ratio: -1.5e-3
                ok: true
                none: null
                empty: {}
                list: []
                tags:
                  - a
                  - "yes"
                  - "1"
                  - ""
                nested:
                  deep:
                    - x: 1
                      "y":
                        - 1
                        - - 2
                          - 3
                    - s
                text: "line\\none \\"q\\" \\\\ é 😀 \\t"
                uri: file:///d.img?size=10G&bs=4096
                """, YamlWriter.write(JsonReader.parse(DOC)));
    }

    @Test
    void quotesEveryStringAYamlReaderCouldTakeForSomethingElse() {
        for (String s : List.of(
                "",
                "yes",
                "No",
                "on",
                "OFF",
                "y",
                "true",
                "null",
                "~",
                "1",
                "-1",
                "0x1f",
                "1e3",
                ".inf",
                "2026-11-20",
                "2026-11-20T10:00:00Z",
                "127.0.0.1",
                "a: b",
                "ends:",
                "#comment",
                "a #b",
                " lead",
                "trail ",
                "- item",
                "[x]",
                "{x}",
                "*alias",
                "&anchor",
                "!tag",
                "|",
                ">",
                "'q'",
                "\"q\"",
                "%x",
                "@x",
                "`x",
                "a\tb",
                "\u0085next",
                "é")) {
            String y = YamlWriter.scalar(s);
            boolean quoted = y.startsWith("\"") && y.endsWith("\"");
            if (s.equals("é")) {
                assertEquals("\"é\"", y);
            } else {
                assertEquals(true, quoted, s + " -> " + y);
            }
        }
        assertEquals("\"\\u0085next\"", YamlWriter.scalar("\u0085next"));
        for (String s : List.of(
                "pvc-1",
                "tank/pvc-1",
                "nqn.2026-11.io.peregrine:vol:2b1f6c1e-8a54-4c1b-9d0e-5f0a8c3e7d21",
                "file:///var/lib/peregrine/disk.img?size=10G&bs=4096",
                "csi.storage.k8s.io/pvc/name",
                "SERVING",
                "pool tank is degraded (one device lost)",
                "/dev/sdb")) {
            assertEquals(s, YamlWriter.scalar(s), "plain: " + s);
        }
    }

    @Test
    void scalarsAndEmptiesAtTheTop() {
        assertEquals("{}\n", YamlWriter.write(new JsonValue.Obj(Map.of())));
        assertEquals("[]\n", YamlWriter.write(new JsonValue.Arr(List.of())));
        assertEquals("\"yes\"\n", YamlWriter.write(new JsonValue.Str("yes")));
        assertEquals("{}\n", JsonWriter.write(new JsonValue.Obj(new LinkedHashMap<>())));
        assertEquals("- 1\n- a\n", YamlWriter.write(JsonReader.parse("[1, \"a\"]")));
    }

    @Test
    void malformedJsonIsRefusedWithItsOffset() {
        for (String bad : List.of(
                "",
                "{",
                "{\"a\" 1}",
                "[1,]",
                "[1 2]",
                "tru",
                "\"open",
                "{\"a\":1,\"a\":2}",
                "1 2",
                "\"\\x\"",
                "-",
                "\"\u0001\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
        }
    }
}
