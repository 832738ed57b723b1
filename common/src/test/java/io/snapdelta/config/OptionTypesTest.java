package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.ingest.InputFormat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every option type parses its documented spellings and rejects the rest naming key, value and why. */
class OptionTypesTest {
    private static final ConfigOption<String> STRING = ConfigOption.key("t.string").stringType().defaultValue("d").description("s");
    private static final ConfigOption<Integer> INT = ConfigOption.key("t.int").intType().defaultValue(1).description("i");
    private static final ConfigOption<Long> LONG = ConfigOption.key("t.long").longType().defaultValue(1L).description("l");
    private static final ConfigOption<Double> DOUBLE = ConfigOption.key("t.double").doubleType().defaultValue(1.0).description("d");
    private static final ConfigOption<Boolean> BOOL = ConfigOption.key("t.bool").booleanType().defaultValue(false).description("b");
    private static final ConfigOption<Duration> DURATION = ConfigOption.key("t.duration").durationType().defaultValue(Duration.ofSeconds(1)).description("d");
    private static final ConfigOption<MemorySize> MEMORY = ConfigOption.key("t.memory").memoryType().defaultValue(MemorySize.parse("1mb")).description("m");
    private static final ConfigOption<Password> PASSWORD = ConfigOption.key("t.password").passwordType().noDefaultValue().description("p");
    private static final ConfigOption<List<String>> LIST = ConfigOption.key("t.list").stringListType().defaultValue(List.of()).description("l");
    private static final ConfigOption<InputFormat> ENUM = ConfigOption.key("t.enum").enumType(InputFormat.class, InputFormat::id)
            .defaultValue(InputFormat.DEBEZIUM_JSON).description("e");

    @Test
    void scalarTypesParseTrimmedText() {
        assertEquals("a b", STRING.parse("  a b "));
        assertEquals(-42, INT.parse("-42"));
        assertEquals(9_000_000_000L, LONG.parse("9000000000"));
        assertEquals(0.25, DOUBLE.parse("0.25"));
        assertEquals(true, BOOL.parse("TRUE"));
        assertEquals(false, BOOL.parse("false"));
        assertEquals("s3cr3t", PASSWORD.parse("s3cr3t").value());
        assertEquals(List.of("a", "b"), LIST.parse(" a, ,b "));
        assertEquals(List.of(), LIST.parse(""));
        assertEquals(InputFormat.SNAPDELTA_AVRO, ENUM.parse("snapdelta-avro"));
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "5min,300000", "5m,300000", "2h,7200000", "1d,86400000", "PT1.5S,1500", "pt2m,120000"})
    void durationsParseEveryUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DURATION.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"17,17", "17b,17", "4k,4096", "4kb,4096", "64mb,67108864", "1g,1073741824", "1 GB,1073741824", "2tb,2199023255552"})
    void memorySizesParseEveryUnit(String text, long bytes) {
        assertEquals(bytes, MEMORY.parse(text).bytes());
    }

    @Test
    void valuesFormatTheWayAFileWritesThem() {
        assertEquals("90s", OptionType.DURATION.format(Duration.ofSeconds(90)));
        assertEquals("2min", OptionType.DURATION.format(Duration.ofMinutes(2)));
        assertEquals("1500ms", OptionType.DURATION.format(Duration.ofMillis(1500)));
        assertEquals("64mb", OptionType.MEMORY.format(MemorySize.parse("64mb")));
        assertEquals("a,b", OptionType.STRING_LIST.format(List.of("a", "b")));
        assertEquals("[hidden]", OptionType.PASSWORD.format(new Password("x")));
        assertEquals("debezium-json, snapdelta-json, snapdelta-avro", ENUM.type().validValues());
        assertEquals("", OptionType.INT.validValues());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "t.int|1.5|not a valid Integer",
            "t.int|99999999999|not a valid Integer",
            "t.long|x|not a valid Long",
            "t.double|one|not a valid Double",
            "t.bool|yes|not a valid Boolean (expected true or false)",
            "t.duration|10|expected a number with a unit",
            "t.duration|10 parsecs|not a valid Duration",
            "t.memory|12 elephants|not a valid MemorySize",
            "t.memory|-1mb|not a valid MemorySize",
            "t.enum|json|expected one of debezium-json, snapdelta-json, snapdelta-avro"})
    void badTextNamesTheKeyTheValueAndWhy(String key, String text, String why) {
        ConfigOption<?> option = List.of(INT, LONG, DOUBLE, BOOL, DURATION, MEMORY, ENUM).stream()
                .filter(o -> o.key().equals(key)).findFirst().orElseThrow();
        ConfigException e = assertThrows(ConfigException.class, () -> option.parse(text));
        assertTrue(e.getMessage().startsWith("Invalid value " + text + " for configuration " + key + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertEquals(key, e.key());
    }

    @Test
    void aDefaultThatFailsItsValidatorIsRefusedAtDeclaration() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigOption.key("t.bad").intType().defaultValue(0).validator(Validators.atLeast(1)).description("x"));
        assertEquals("Invalid value 0 for configuration t.bad: must be at least 1", e.getMessage());
    }
}
