package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.MemorySize;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.format.CorruptBatchException.Kind;
import io.snapdelta.model.Row;
import io.snapdelta.model.Version;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each way a batch can be refused: the kind, the offset, the batch named, and values in the message. */
class DeltaBatchReaderRejectionTest {
    static byte[] example() {
        GoldenVectors.Vector v = GoldenVectors.workedExample();
        return GoldenVectors.seal(v);
    }

    /** Applies a change to a sealed batch and recomputes the CRC, as a buggy or hostile writer would. */
    static byte[] damagedButResealed(Consumer<ByteBuffer> change) {
        byte[] b = example();
        change.accept(ByteBuffer.wrap(b));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    static CorruptBatchException reject(byte[] sealed, DeltaFormatOptions options, RowLookup lookup) {
        try (DeltaBatchReader reader = new DeltaBatchReader(options, new TableSchemaRegistry(), null)) {
            return assertThrows(CorruptBatchException.class, () -> reader.read(sealed, lookup));
        }
    }

    static Stream<Arguments> damagedHeaderFields() {
        return Stream.of(
                Arguments.of("format version 5", (Consumer<ByteBuffer>) b -> b.put(BatchLayout.VERSION_OFFSET, (byte) 5), Kind.UNSUPPORTED_VERSION, BatchLayout.VERSION_OFFSET),
                Arguments.of("a flag bit", (Consumer<ByteBuffer>) b -> b.put(BatchLayout.FLAGS_OFFSET, (byte) 1), Kind.UNSUPPORTED_VERSION, BatchLayout.FLAGS_OFFSET),
                Arguments.of("unknown codec 9", (Consumer<ByteBuffer>) b -> b.put(BatchLayout.CODEC_OFFSET, (byte) 9), Kind.MALFORMED, BatchLayout.CODEC_OFFSET),
                Arguments.of("negative sequence", (Consumer<ByteBuffer>) b -> b.putLong(BatchLayout.SEQUENCE_OFFSET, -5), Kind.MALFORMED, BatchLayout.SEQUENCE_OFFSET),
                Arguments.of("first version after last", (Consumer<ByteBuffer>) b -> b.putLong(BatchLayout.FIRST_VERSION_MAJOR_OFFSET, 101), Kind.MALFORMED, BatchLayout.FIRST_VERSION_MAJOR_OFFSET),
                Arguments.of("2^31 inserts", (Consumer<ByteBuffer>) b -> b.putInt(BatchLayout.INSERT_COUNT_OFFSET, Integer.MIN_VALUE), Kind.LIMIT_EXCEEDED, BatchLayout.INSERT_COUNT_OFFSET),
                Arguments.of("dictionary id without dictionary codec", (Consumer<ByteBuffer>) b -> b.putInt(BatchLayout.DICTIONARY_ID_OFFSET, 7), Kind.MALFORMED, BatchLayout.DICTIONARY_ID_OFFSET),
                Arguments.of("4 GiB uncompressed", (Consumer<ByteBuffer>) b -> b.putInt(BatchLayout.UNCOMPRESSED_LENGTH_OFFSET, -1), Kind.LIMIT_EXCEEDED, BatchLayout.UNCOMPRESSED_LENGTH_OFFSET),
                Arguments.of("body length past the end", (Consumer<ByteBuffer>) b -> b.putInt(BatchLayout.BODY_LENGTH_OFFSET, 93), Kind.TRUNCATED, BatchLayout.BODY_LENGTH_OFFSET),
                Arguments.of("one insert too many", (Consumer<ByteBuffer>) b -> b.putInt(BatchLayout.INSERT_COUNT_OFFSET, 2), Kind.MALFORMED, -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedHeaderFields")
    void headerFieldThatBreaksARuleIsRejectedAtItsOffset(String what, Consumer<ByteBuffer> change, Kind kind, int offset) {
        CorruptBatchException e = reject(damagedButResealed(change), DeltaFormatOptions.defaults(), GoldenVectors.workedExample().lookup());
        assertEquals(kind, e.kind(), e.getMessage());
        if (offset >= 0) {
            assertEquals(offset, e.offset(), e.getMessage());
        }
        if (kind != Kind.UNSUPPORTED_VERSION || offset != BatchLayout.VERSION_OFFSET) {
            assertTrue(e.getMessage().contains("(shard 1 seq "), e.getMessage());
        }
    }

    @Test
    void checksumMismatchReportsStoredAndComputedCrc() {
        byte[] b = example();
        b[BatchLayout.SEQUENCE_OFFSET + 7] ^= 1;
        CorruptBatchException e = reject(b, DeltaFormatOptions.defaults(), RowLookup.EMPTY);
        assertEquals(Kind.CHECKSUM_MISMATCH, e.kind());
        assertEquals(b.length - 4, e.offset());
        assertTrue(e.getMessage().contains("stored crc = 0xbd216ba7, computed crc = 0x"), e.getMessage());
    }

    @Test
    void badMagicAndTruncationAreNamed() {
        byte[] b = example();
        b[0] = 'X';
        assertEquals(Kind.BAD_MAGIC, reject(b, DeltaFormatOptions.defaults(), RowLookup.EMPTY).kind());
        assertEquals(Kind.TRUNCATED, reject(new byte[10], DeltaFormatOptions.defaults(), RowLookup.EMPTY).kind());
    }

    @Test
    void updateOfAKeyTheReceiverDoesNotHoldIsAStateMismatch() {
        CorruptBatchException e = reject(example(), DeltaFormatOptions.defaults(), RowLookup.EMPTY);
        assertEquals(Kind.STATE_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains("shop.items key {id=8}"), e.getMessage());
    }

    private static byte[] manyInserts(int n, String text) {
        List<DeltaOp> ops = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            ops.add(new DeltaOp.Insert(GoldenVectors.ITEMS, Row.of(GoldenVectors.ITEM_KEY, i),
                    Row.of(GoldenVectors.ITEM, i, text + i, i, null, null)));
        }
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new NoneCodec()))) {
            return w.write(new DeltaBatch(0, 0, Version.ZERO, Version.ZERO, ops, GoldenVectors.digest(0), GoldenVectors.digest(0)));
        }
    }

    @Test
    void limitsAreEnforcedBeforeAllocation() {
        byte[] hundred = manyInserts(100, "x");
        assertEquals(Kind.LIMIT_EXCEEDED, reject(hundred, DeltaFormatOptions.defaults().with(DeltaFormatOptions.MAX_OPS, 99), RowLookup.EMPTY).kind());
        assertEquals(Kind.LIMIT_EXCEEDED, reject(hundred, DeltaFormatOptions.defaults().with(DeltaFormatOptions.MAX_VALUES, 300), RowLookup.EMPTY).kind());
        byte[] big = manyInserts(3, "y".repeat(3000));
        assertEquals(Kind.LIMIT_EXCEEDED, reject(big, DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.MAX_UNCOMPRESSED_SIZE, new MemorySize(4096)), RowLookup.EMPTY).kind());
        CorruptBatchException e = reject(big, DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.MAX_STRING_LENGTH, new MemorySize(2000)), RowLookup.EMPTY);
        assertEquals(Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("max-string-length"), e.getMessage());
    }

    /** The v3 vector whose update and delete keys travel as ranks among the receiver's 1,000 held keys. */
    private static byte[] rankedKeysBatch() throws Exception {
        return java.nio.file.Files.readAllBytes(GoldenVectorV3Test.DIR.resolve("ranked-keys.bin"));
    }

    @Test
    void aBatchWithRankCodedKeysNeedsTheReceiversOrderedKeys() throws Exception {
        GoldenVectors.Vector v = GoldenVectors.rankedKeys();
        RowLookup rowsOnly = (t, k) -> v.lookup().get(t, k);
        CorruptBatchException e = reject(rankedKeysBatch(), DeltaFormatOptions.defaults(), rowsOnly);
        assertEquals(Kind.STATE_MISMATCH, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("app.events") && e.getMessage().contains("rank"), e.getMessage());
    }

    @Test
    void aRankBeyondTheKeysTheReceiverHoldsIsAStateMismatch() throws Exception {
        GoldenVectors.Vector v = GoldenVectors.rankedKeys();
        RowLookup fewerKeys = new RowLookup() {
            @Override
            public Row get(io.snapdelta.model.TableId t, Row k) {
                return v.lookup().get(t, k);
            }

            @Override
            public HeldKeyIndex heldKeys(io.snapdelta.model.TableId t) {
                HeldKeyIndex all = v.lookup().heldKeys(t);
                List<Row> first = new ArrayList<>();
                for (long r = 0; r < 100; r++) {
                    first.add(all.keyAt(r));
                }
                return HeldKeyIndex.of(first);
            }
        };
        CorruptBatchException e = reject(rankedKeysBatch(), DeltaFormatOptions.defaults(), fewerKeys);
        assertEquals(Kind.STATE_MISMATCH, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("holds 100 keys"), e.getMessage());
    }
}
