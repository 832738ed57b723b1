package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.config.DeltaFormatOptions;
import org.junit.jupiter.api.Test;

/** The hex of the worked example in schemas/delta-batch-v2.md is the v2 format, byte for byte. */
class SpecWorkedExampleV2Test {
    static byte[] workedExampleBytes() throws Exception {
        return SpecHex.workedExample("delta-batch-v2.md");
    }

    @Test
    void workedExampleInTheSpecDecodesToItsDescribedOps() throws Exception {
        byte[] sealed = workedExampleBytes();
        GoldenVectors.Vector v = GoldenVectors.workedExample();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(2, decoded.header().formatVersion());
            assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
            assertEquals(42, decoded.header().sequence());
            assertEquals(1, decoded.header().shard());
        }
    }

    @Test
    void workedExampleInTheSpecIsWhatTheWriterProduces() throws Exception {
        assertArrayEquals(GoldenVectors.seal(GoldenVectors.workedExample(), BatchLayout.FORMAT_VERSION_2), workedExampleBytes());
    }
}
