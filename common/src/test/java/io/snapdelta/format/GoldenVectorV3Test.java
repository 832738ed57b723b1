package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapdelta.config.DeltaFormatOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the v3 bytes: every golden vector decodes to its logical content (in wire order: each table's
 * ops sorted by key), and that content re-encodes to exactly the stored bytes. Regenerate (only for a
 * deliberate format change, with a version bump) with
 * {@code ./mvnw -B -q -pl common -am test -Dtest=GoldenVectorV3Test -Dsnapdelta.golden.regenerate=true}.
 */
class GoldenVectorV3Test {
    static final Path DIR = Path.of(System.getProperty("basedir", "."), "src/test/resources/golden/delta-batch-v3");

    static Stream<GoldenVectors.Vector> vectors() {
        return GoldenVectors.allV3().stream();
    }

    @BeforeAll
    static void regenerateWhenAsked() throws Exception {
        if (Boolean.getBoolean("snapdelta.golden.regenerate")) {
            GoldenVectors.write(DIR, BatchLayout.FORMAT_VERSION_3);
        }
    }

    static byte[] stored(String name) throws Exception {
        Path p = DIR.resolve(name + ".bin");
        if (!Files.exists(p)) {
            fail("golden vector " + p + " is missing (see " + DIR.resolve("README.md") + ")");
        }
        return Files.readAllBytes(p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void goldenVectorDecodesToItsLogicalContent(GoldenVectors.Vector v) throws Exception {
        byte[] sealed = stored(v.name());
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertEquals(3, decoded.header().formatVersion());
            assertEquals(DeltaBatchWriter.wireOrder(v.batch().ops()), DeltaBatchWriter.wireOrder(decoded.ops()));
            assertEquals(v.batch().shard(), decoded.header().shard());
            assertEquals(v.batch().sequence(), decoded.header().sequence());
            assertEquals(v.batch().firstVersion(), decoded.header().firstVersion());
            assertEquals(v.batch().lastVersion(), decoded.header().lastVersion());
            assertFalse(decoded.header().hasDigestBefore(), "v3 does not carry the digest before");
            assertArrayEquals(v.batch().digestAfter(), decoded.header().digestAfter());
            assertEquals(v.codec().id(), decoded.header().codec());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void logicalContentReencodesToTheExactGoldenBytes(GoldenVectors.Vector v) throws Exception {
        assertArrayEquals(stored(v.name()), GoldenVectors.seal(v, BatchLayout.FORMAT_VERSION_3), "re-encoding " + v.name() + " changed its bytes");
        String text = Files.readString(DIR.resolve(v.name() + ".txt"), StandardCharsets.UTF_8);
        assertEquals(text, GoldenVectors.describe(v, stored(v.name())), v.name() + ".txt no longer describes the vector");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everySingleBitFlipIsDetected(GoldenVectors.Vector v) throws Exception {
        byte[] sealed = stored(v.name());
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            for (int bit = 0; bit < sealed.length * 8; bit++) {
                byte[] damaged = sealed.clone();
                damaged[bit >>> 3] ^= (byte) (1 << (bit & 7));
                int b = bit;
                CorruptBatchException e = assertThrows(CorruptBatchException.class, () -> reader.read(damaged, v.lookup()),
                        () -> v.name() + ": flipping bit " + b + " went unnoticed");
                assertTrue(e.offset() >= 0, e.getMessage());
            }
        }
    }
}
