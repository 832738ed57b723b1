package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

/** Pins the v2 bytes ({@link GoldenVectorContract}); decoded ops come back in wire order (each table's sorted by key). */
class GoldenVectorV2Test extends GoldenVectorContract {
    static final Path DIR = goldenDir("delta-batch-v2");

    @Override
    int formatVersion() {
        return BatchLayout.FORMAT_VERSION_2;
    }

    @Override
    Path dir() {
        return DIR;
    }

    @Override
    List<GoldenVectors.Vector> vectorList() {
        return GoldenVectors.allV2();
    }

    @Override
    void assertVersionSpecific(GoldenVectors.Vector v, SealedBatch decoded) {
        assertEquals(2, decoded.header().formatVersion());
        assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
        assertArrayEquals(v.batch().digestBefore(), decoded.header().digestBefore());
    }
}
