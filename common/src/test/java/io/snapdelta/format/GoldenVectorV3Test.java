package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;

/**
 * Pins the v3 bytes ({@link GoldenVectorContract}); decoded ops come back in wire order, and a v3 batch
 * carries no digest before. The vectors are sealed with the receiver's keys, so held keys travel as ranks.
 */
class GoldenVectorV3Test extends GoldenVectorContract {
    static final Path DIR = goldenDir("delta-batch-v3");

    @Override
    int formatVersion() {
        return BatchLayout.FORMAT_VERSION_3;
    }

    @Override
    Path dir() {
        return DIR;
    }

    @Override
    List<GoldenVectors.Vector> vectorList() {
        return GoldenVectors.allV3();
    }

    @Override
    void assertVersionSpecific(GoldenVectors.Vector v, SealedBatch decoded) {
        assertEquals(3, decoded.header().formatVersion());
        assertEquals(io.snapdelta.digest.DigestVersion.V1, decoded.header().digestVersion(), "v1-v3 carry state digest v1");
        assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
        assertFalse(decoded.header().hasDigestBefore(), "v3 does not carry the digest before");
    }
}
