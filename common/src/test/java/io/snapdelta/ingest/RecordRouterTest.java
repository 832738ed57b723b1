package io.snapdelta.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordRouterTest {
    private static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    private static final ChangeEvent EVENT = new ChangeEvent(TableId.of("public", "t"), Row.of(KEY, 1L),
            ChangeOp.INSERT, new Version(1, 2), null, Row.of(KEY, 1L), 0L);

    /** A parser with fixed behaviour per value: "ok" -> event, null -> tombstone, "bad" -> rejected, "bug" -> NPE. */
    private static final ChangeEventParser PARSER = (key, value) -> {
        if (value == null) {
            return null;
        }
        String v = new String(value, StandardCharsets.UTF_8);
        switch (v) {
            case "ok": return EVENT;
            case "bad": throw new ParseException(ParseErrorKind.WRONG_TYPE, "/value/after/id", "expected a number, got a string");
            default: throw new NullPointerException("boom");
        }
    };

    private final List<ChangeEvent> valid = new ArrayList<>();
    private final List<DeadLetter> dead = new ArrayList<>();
    private final RecordRouter.Routes routes = new RecordRouter.Routes() {
        @Override
        public void valid(ChangeEvent event) {
            valid.add(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            dead.add(deadLetter);
        }
    };

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyRecordLandsInExactlyOnePlaceAndIsCounted() {
        RecordRouter router = new RecordRouter("in", InputFormat.SNAPDELTA_JSON, PARSER);
        router.route(0, 0, null, b("ok"), routes);
        router.route(0, 1, b("k"), null, routes);
        router.route(1, 7, b("k"), b("bad"), routes);
        router.route(1, 8, null, b("bug"), routes);
        router.route(0, 2, null, b("ok"), routes);

        assertEquals(List.of(EVENT, EVENT), valid);
        assertEquals(2, dead.size());
        IngestCounts c = router.counts();
        assertArrayEquals(new long[] {5, 2, 2, 1}, c.toArray());
        assertEquals(c.in(), c.valid() + c.deadLetters() + c.tombstones());
    }

    @Test
    void rejectedRecordBecomesDeadLetterWithItsPositionAndReason() {
        RecordRouter router = new RecordRouter("in", InputFormat.DEBEZIUM_JSON, PARSER);
        byte[] key = b("k1");
        byte[] value = b("bad");
        router.route(1, 7, key, value, routes);
        DeadLetter dl = dead.get(0);
        assertSame(value, dl.value());
        assertSame(key, dl.key());
        assertEquals(Map.of(DeadLetter.TOPIC, "in", DeadLetter.PARTITION, "1", DeadLetter.OFFSET, "7",
                DeadLetter.FORMAT, "debezium-json", DeadLetter.CLASS, "WRONG_TYPE",
                DeadLetter.FIELD_PATH, "/value/after/id", DeadLetter.REASON, "expected a number, got a string"),
                DeadLetter.readHeaders(dl.headers()));
    }

    @Test
    void parserBugIsDeadLetteredNotThrown() {
        RecordRouter router = new RecordRouter("in", InputFormat.DEBEZIUM_JSON, PARSER);
        router.route(0, 3, null, b("bug"), routes);
        assertEquals(DeadLetter.PARSER_FAILURE_CLASS, dead.get(0).errorClass());
        assertEquals("java.lang.NullPointerException", DeadLetter.readHeaders(dead.get(0).headers()).get(DeadLetter.EXCEPTION_CLASS));
    }

    @Test
    void restoredCountsAddToNewOnes() {
        RecordRouter router = new RecordRouter("in", InputFormat.DEBEZIUM_JSON, PARSER);
        router.counts().add(new long[] {10, 7, 2, 1});
        router.route(0, 11, null, b("ok"), routes);
        assertArrayEquals(new long[] {11, 8, 2, 1}, router.counts().toArray());
    }
}
