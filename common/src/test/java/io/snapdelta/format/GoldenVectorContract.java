package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapdelta.config.DeltaFormatOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the golden vectors of every delta batch format version must satisfy: each stored {@code .bin}
 * decodes to its logical content, that content re-encodes to exactly the stored bytes (and the {@code .txt}
 * still describes it), and every single-bit flip is rejected. A subclass per version names the version, its
 * directory, its vectors and what else its decoded header must say. Regenerate a version's vectors (only for
 * a deliberate format change, with a version bump) with
 * {@code ./mvnw -B -q -pl common -am test -Dtest=<subclass> -Dsnapdelta.golden.regenerate=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GoldenVectorContract {
    static Path goldenDir(String name) {
        return Path.of(System.getProperty("basedir", "."), "src/test/resources/golden", name);
    }

    abstract int formatVersion();

    abstract Path dir();

    abstract List<GoldenVectors.Vector> vectorList();

    /** The ops and the version-specific header fields of a decoded vector. */
    abstract void assertVersionSpecific(GoldenVectors.Vector v, SealedBatch decoded);

    Stream<GoldenVectors.Vector> vectors() {
        return vectorList().stream();
    }

    @BeforeAll
    void regenerateWhenAsked() throws Exception {
        if (Boolean.getBoolean("snapdelta.golden.regenerate")) {
            GoldenVectors.write(dir(), formatVersion());
        }
    }

    byte[] stored(String name) throws Exception {
        Path p = dir().resolve(name + ".bin");
        if (!Files.exists(p)) {
            fail("golden vector " + p + " is missing (see " + dir().resolve("README.md") + ")");
        }
        return Files.readAllBytes(p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void goldenVectorDecodesToItsLogicalContent(GoldenVectors.Vector v) throws Exception {
        byte[] sealed = stored(v.name());
        try (DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
            SealedBatch decoded = reader.read(sealed, v.lookup());
            assertVersionSpecific(v, decoded);
            assertEquals(v.batch().shard(), decoded.header().shard());
            assertEquals(v.batch().sequence(), decoded.header().sequence());
            assertEquals(v.batch().firstVersion(), decoded.header().firstVersion());
            assertEquals(v.batch().lastVersion(), decoded.header().lastVersion());
            assertArrayEquals(v.batch().digestAfter(), decoded.header().digestAfter());
            assertEquals(v.codec().id(), decoded.header().codec());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void logicalContentReencodesToTheExactGoldenBytes(GoldenVectors.Vector v) throws Exception {
        assertArrayEquals(stored(v.name()), GoldenVectors.seal(v, formatVersion()), "re-encoding " + v.name() + " changed its bytes");
        String text = Files.readString(dir().resolve(v.name() + ".txt"), StandardCharsets.UTF_8);
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
