package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.config.DeltaFormatOptions;
import org.junit.jupiter.api.Test;

/** The hex of the worked example in schemas/delta-batch-v1.md is the format, byte for byte. */
class SpecWorkedExampleTest {
    static byte[] workedExampleBytes() throws Exception {
        return SpecHex.workedExample("delta-batch-v1.md");
    }

    @Test
    void workedExampleInTheSpecDecodesToItsDescribedOps() throws Exception {
        byte[] sealed = workedExampleBytes();
        GoldenVectors.Vector v = GoldenVectors.workedExample();
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(v.batch().ops(), decoded.ops());
            assertEquals(42, decoded.header().sequence());
            assertEquals(1, decoded.header().shard());
        }
    }

    @Test
    void workedExampleInTheSpecIsWhatTheWriterProduces() throws Exception {
        assertArrayEquals(GoldenVectors.seal(GoldenVectors.workedExample()), workedExampleBytes());
    }
}
