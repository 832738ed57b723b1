package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.snapdelta.digest.DigestVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the v4 bytes ({@link GoldenVectorContract}): the v3 vectors sealed as v4 plus the spec's worked example with
 * true state digests v2. A v4 batch is a v3 batch but for its FormatVersion byte (and so its CRC), and it names
 * state digest v2.
 */
class GoldenVectorV4Test extends GoldenVectorContract {
    static final Path DIR = goldenDir("delta-batch-v4");

    @Override
    int formatVersion() {
        return BatchLayout.FORMAT_VERSION_4;
    }

    @Override
    Path dir() {
        return DIR;
    }

    @Override
    List<GoldenVectors.Vector> vectorList() {
        return GoldenVectors.allV4();
    }

    @Override
    void assertVersionSpecific(GoldenVectors.Vector v, SealedBatch decoded) {
        assertEquals(4, decoded.header().formatVersion());
        assertEquals(DigestVersion.V2, decoded.header().digestVersion());
        assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
        assertFalse(decoded.header().hasDigestBefore(), "v4 does not carry the digest before");
    }

    /** Each v4 vector that is also a v3 vector differs from the v3 bytes in the version byte and the CRC only. */
    @Test
    void aV4VectorIsItsV3VectorWithVersionFourAndItsCrc() throws Exception {
        for (GoldenVectors.Vector v : GoldenVectors.allV3()) {
            byte[] v3 = Files.readAllBytes(GoldenVectorV3Test.DIR.resolve(v.name() + ".bin"));
            byte[] v4 = stored(v.name());
            assertEquals(v3.length, v4.length, v.name());
            assertEquals(3, v3[BatchLayout.VERSION_OFFSET], v.name());
            assertEquals(4, v4[BatchLayout.VERSION_OFFSET], v.name());
            int crcAt = v3.length - BatchLayout.CRC_LENGTH;
            assertArrayEquals(Arrays.copyOfRange(v3, BatchLayout.FLAGS_OFFSET, crcAt), Arrays.copyOfRange(v4, BatchLayout.FLAGS_OFFSET, crcAt), v.name());
        }
    }

    /** The worked example's digests are the state digests v2 of the receiver's rows before and after the batch. */
    @Test
    void theWorkedExampleCarriesTheTrueStateDigestV2AfterItsBatch() throws Exception {
        GoldenVectors.Vector v = GoldenVectors.digestV2Example();
        java.util.Map<Object, io.snapdelta.model.Row> rows = new java.util.TreeMap<>();
        for (io.snapdelta.model.Row r : v.stateBefore().get(GoldenVectors.FRUIT)) {
            rows.put(r.get(0), r);
        }
        try (DeltaBatchReader reader = new DeltaBatchReader(io.snapdelta.config.DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(stored(v.name()), v.lookup());
            for (io.snapdelta.delta.DeltaOp op : decoded.ops()) {
                if (op instanceof io.snapdelta.delta.DeltaOp.Delete) {
                    rows.remove(op.key().get(0));
                } else {
                    rows.put(op.key().get(0), op instanceof io.snapdelta.delta.DeltaOp.Insert i ? i.after()
                            : ((io.snapdelta.delta.DeltaOp.Update) op).after());
                }
            }
            io.snapdelta.digest.StateDigest after = new io.snapdelta.digest.StateDigest(decoded.header().digestVersion());
            rows.forEach((k, r) -> after.add(GoldenVectors.FRUIT, io.snapdelta.model.Row.of(GoldenVectors.FRUIT_KEY, k), r));
            assertArrayEquals(after.toBytes(), decoded.header().digestAfter());
        }
    }

    /** The format version names the digest version; the writer writes 1 to 4 and nothing else. */
    @Test
    void formatVersionsNameTheirDigestVersionAndTheWriterWritesOneToFour() {
        for (int v = 1; v <= 4; v++) {
            assertEquals(v == 4 ? DigestVersion.V2 : DigestVersion.V1, BatchLayout.digestVersion(v));
            try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(),
                    io.snapdelta.codec.CodecSelector.fixed(new io.snapdelta.codec.NoneCodec()), v)) {
                assertEquals(BatchLayout.digestVersion(v), w.digestVersion());
            }
        }
        assertEquals(3, BatchLayout.newestFormatVersionFor(DigestVersion.V1));
        assertEquals(4, BatchLayout.newestFormatVersionFor(DigestVersion.V2));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> BatchLayout.digestVersion(5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new DeltaBatchWriter(new TableSchemaRegistry(),
                io.snapdelta.codec.CodecSelector.fixed(new io.snapdelta.codec.NoneCodec()), 5));
    }
}
