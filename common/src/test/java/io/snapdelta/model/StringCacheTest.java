package io.snapdelta.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringCacheTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRepeatedTextIsOneStringAndEveryTextDecodesToItself() {
        StringCache cache = new StringCache(16, 128, StandardCharsets.UTF_8);
        String filler = " ".repeat(84);
        byte[] framed = utf8("xx" + filler + "yy");
        String first = cache.get(framed, 2, 84);
        assertFalse(cache.lastHit());
        assertEquals(filler, first);
        String second = cache.get(utf8(filler), 0, 84);
        assertTrue(cache.lastHit());
        assertSame(first, second);

        // 16 slots and 200 distinct texts: collisions replace entries, never return the wrong text.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 200; i++) {
                String text = "v" + i + (i % 3 == 0 ? "-ü€" : "");
                assertEquals(text, cache.get(utf8(text), 0, utf8(text).length));
            }
        }
        String noFiller = "x".repeat(84);
        assertEquals(noFiller, cache.get(utf8(noFiller), 0, 84), "same length, same ends sampled differently");
    }

    @Test
    void textsLongerThanTheLimitAreDecodedButNotKept() {
        StringCache cache = new StringCache(8, 4, StandardCharsets.UTF_8);
        String a = cache.get(utf8("abcdef"), 0, 6);
        String b = cache.get(utf8("abcdef"), 0, 6);
        assertEquals("abcdef", a);
        assertNotSame(a, b);
        assertFalse(cache.lastHit());
    }

    @Test
    void readTakesExactlyTheGivenBytesFromTheInput() throws Exception {
        StringCache cache = new StringCache(8, 8, StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(utf8("añb"));          // 4 bytes: short, cached
            out.write(utf8("0123456789")); // 10 bytes: past the limit
            out.write(utf8("añb"));
            out.writeByte(7);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        String first = cache.read(in, 4);
        assertEquals("añb", first);
        assertEquals("0123456789", cache.read(in, 10));
        assertSame(first, cache.read(in, 4));
        assertEquals(7, in.readByte());
        assertThrows(EOFException.class, () -> cache.read(in, 1));
    }

    @Test
    void slotsMustBeAPowerOfTwo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StringCache(12, 8, StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void rowValuesReadWithACacheEqualThoseReadWithoutAndShareTheirRepeatedStrings() throws Exception {
        RowSchema schema = RowSchema.of(new String[] {"aid", "filler", "note"},
                new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.STRING});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Row[] rows = {Row.of(schema, 1L, " ".repeat(84), "ä"), Row.of(schema, 2L, " ".repeat(84), null), Row.of(schema, 3L, "", "x".repeat(300))};
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Row r : rows) {
                RowValuesCodec.writeValues(out, r);
            }
        }
        StringCache cache = new StringCache(64, 128, StandardCharsets.UTF_8);
        DataInputStream cached = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        DataInputStream plain = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Row[] read = new Row[rows.length];
        for (int i = 0; i < rows.length; i++) {
            read[i] = RowValuesCodec.readValues(cached, schema, cache);
            assertEquals(rows[i], read[i]);
            assertEquals(RowValuesCodec.readValues(plain, schema), read[i]);
        }
        assertSame(read[0].get(1), read[1].get(1));
        assertEquals(0, cached.available());
    }
    @Test
    void aFieldWhoseValuesNeverRepeatStopsAskingTheCacheButRetriesAndResumesWhenTheyDo() {
        StringCache cache = new StringCache(64, 128, StandardCharsets.UTF_8);
        int unique = 1;
        int repeated = 2;
        for (int i = 0; i < StringCache.GIVE_UP; i++) {
            byte[] b = utf8("name-" + i);
            assertEquals("name-" + i, cache.get(b, 0, b.length, unique));
        }
        String x = cache.get(utf8("x"), 0, 1, repeated);
        assertSame(x, cache.get(utf8("x"), 0, 1, repeated));
        // The unique field has given up: a value the cache holds comes back as a new String ...
        for (int i = 1; i < StringCache.RETRY_EVERY; i++) {
            String got = cache.get(utf8("x"), 0, 1, unique);
            assertEquals("x", got);
            assertNotSame(x, got, "lookup " + i + " of a given-up field");
        }
        // ... until the retry finds it, and from then on the field shares again.
        assertSame(x, cache.get(utf8("x"), 0, 1, unique));
        assertSame(x, cache.get(utf8("x"), 0, 1, unique));
    }

    @Test
    void aRepeatedFieldKeepsSharingBesideAFieldOfUniqueValuesInTheSameRows() throws Exception {
        RowSchema schema = RowSchema.of(new String[] {"id", "filler", "email"}, new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.STRING});
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rows = 10 * StringCache.GIVE_UP;
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (long i = 0; i < rows; i++) {
                RowValuesCodec.writeValues(out, Row.of(schema, i, " ".repeat(84), "user" + i + "@example.com"));
            }
        }
        StringCache cache = new StringCache(1024, 128, StandardCharsets.UTF_8);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Object filler = null;
        for (long i = 0; i < rows; i++) {
            Row r = RowValuesCodec.readValues(in, schema, cache);
            assertEquals("user" + i + "@example.com", r.get("email"));
            if (filler == null) {
                filler = r.get("filler");
            }
            assertSame(filler, r.get("filler"), "row " + i);
        }
    }
}
