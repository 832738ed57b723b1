package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.snapdelta.config.DeltaFormatOptions;
import org.junit.jupiter.api.Test;

/** The hex of the worked example in schemas/delta-batch-v4.md is the v4 format, byte for byte. */
class SpecWorkedExampleV4Test {
    static byte[] workedExampleBytes() throws Exception {
        return SpecHex.workedExample("delta-batch-v4.md");
    }

    @Test
    void workedExampleInTheSpecDecodesToItsDescribedOps() throws Exception {
        byte[] sealed = workedExampleBytes();
        GoldenVectors.Vector v = GoldenVectors.digestV2Example();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(4, decoded.header().formatVersion());
            assertEquals(io.snapdelta.digest.DigestVersion.V2, decoded.header().digestVersion());
            assertFalse(decoded.header().hasDigestBefore());
            assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
            assertEquals(44, decoded.header().sequence());
            assertEquals(1, decoded.header().shard());
        }
    }

    @Test
    void workedExampleInTheSpecIsWhatTheWriterProduces() throws Exception {
        assertArrayEquals(GoldenVectors.seal(GoldenVectors.digestV2Example(), BatchLayout.FORMAT_VERSION_4), workedExampleBytes());
    }
}
