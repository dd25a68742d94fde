package io.peregrine.dataplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgParserTest {
    private static final List<Option> OPTIONS = List.of(
            Option.value("size", "SIZE", "the size"),
            Option.flag("thick", "thick"),
            Option.value("xattr", "KEY=VALUE", "attribute").many(),
            Option.value("output", "FORMAT", "format").withAlias("o"),
            Option.flag("help", "help").withAlias("h"));

    private static ParsedArgs parse(String... args) throws UsageException {
        return ArgParser.parse(List.of(args), OPTIONS);
    }

    @Test
    void optionsAndPositionalsInAnyOrder() throws UsageException {
        ParsedArgs p = parse("--size", "10G", "tank/pvc-1", "--thick", "-o", "json", "extra");
        assertEquals(List.of("tank/pvc-1", "extra"), p.positionals());
        assertEquals("10G", p.value("size"));
        assertTrue(p.has("thick"));
        assertEquals("json", p.value("output"));
        assertFalse(p.has("xattr"));
        assertNull(p.value("xattr"));
        assertEquals(List.of(), p.values("xattr"));
    }

    @Test
    void equalsFormAndRepeatedOptions() throws UsageException {
        ParsedArgs p = parse("--size=1T", "--xattr", "a=1", "--xattr=b=2=3");
        assertEquals("1T", p.value("size"));
        assertEquals(List.of("a=1", "b=2=3"), p.values("xattr"));
    }

    @Test
    void doubleDashEndsTheOptions() throws UsageException {
        ParsedArgs p = parse("--thick", "--", "--size", "-");
        assertEquals(List.of("--size", "-"), p.positionals());
        assertFalse(p.has("size"));
    }

    @Test
    void aLoneDashIsAnArgument() throws UsageException {
        assertEquals(List.of("-"), parse("-").positionals());
    }

    @Test
    void unknownOptionsNameTheClosestKnownOne() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--sise", "10G"));
        assertEquals("unknown option '--sise'; did you mean --size?", e.getMessage());
        UsageException far = assertThrows(UsageException.class, () -> parse("--frobnicate"));
        assertEquals("unknown option '--frobnicate'", far.getMessage());
        UsageException shortForm = assertThrows(UsageException.class, () -> parse("-x"));
        assertEquals("unknown option '-x'", shortForm.getMessage());
    }

    @Test
    void aMissingValueShowsTheForm() {
        UsageException e = assertThrows(UsageException.class, () -> parse("tank/a", "--size"));
        assertEquals("--size needs a value: --size SIZE", e.getMessage());
    }

    @Test
    void flagsTakeNoValue() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--thick=yes"));
        assertEquals("--thick is a flag and takes no value ('--thick=yes')", e.getMessage());
    }

    @Test
    void singleOptionsMayNotRepeat() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--size", "1G", "--size", "2G"));
        assertEquals("--size was given twice; give it once", e.getMessage());
    }

    @Test
    void editDistance() {
        assertEquals(0, ArgParser.distance("size", "size"));
        assertEquals(1, ArgParser.distance("sise", "size"));
        assertEquals(2, ArgParser.distance("frob", "grow"));
        assertEquals(4, ArgParser.distance("", "size"));
    }
}
