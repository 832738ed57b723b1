package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

/** Pins the v1 bytes ({@link GoldenVectorContract}); decoded ops come back in batch order. */
class GoldenVectorTest extends GoldenVectorContract {
    static final Path DIR = goldenDir("delta-batch-v1");

    @Override
    int formatVersion() {
        return BatchLayout.FORMAT_VERSION_1;
    }

    @Override
    Path dir() {
        return DIR;
    }

    @Override
    List<GoldenVectors.Vector> vectorList() {
        return GoldenVectors.all();
    }

    @Override
    void assertVersionSpecific(GoldenVectors.Vector v, SealedBatch decoded) {
        assertEquals(v.batch().ops(), decoded.ops());
        assertArrayEquals(v.batch().digestBefore(), decoded.header().digestBefore());
    }
}
