package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.snapdelta.config.DeltaFormatOptions;
import org.junit.jupiter.api.Test;

/** The hex of the worked example in schemas/delta-batch-v3.md is the v3 format, byte for byte. */
class SpecWorkedExampleV3Test {
    static byte[] workedExampleBytes() throws Exception {
        return SpecHex.workedExample("delta-batch-v3.md");
    }

    @Test
    void workedExampleInTheSpecDecodesToItsDescribedOps() throws Exception {
        byte[] sealed = workedExampleBytes();
        GoldenVectors.Vector v = GoldenVectors.stringKeysExample();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(3, decoded.header().formatVersion());
            assertFalse(decoded.header().hasDigestBefore());
            assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
            assertEquals(43, decoded.header().sequence());
            assertEquals(1, decoded.header().shard());
        }
    }

    @Test
    void workedExampleInTheSpecIsWhatTheWriterProduces() throws Exception {
        assertArrayEquals(GoldenVectors.seal(GoldenVectors.stringKeysExample(), BatchLayout.FORMAT_VERSION_3), workedExampleBytes());
    }
}
