package io.snapdelta.format;

import java.nio.file.Files;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A deterministic, fast complement to the fuzzer in the normal suite: thousands of random mutations of
 * each uncompressed golden body (byte changes, insertions, deletions, truncations), each sealed behind a
 * valid header and CRC, so every one reaches the body decoder. Only CorruptBatchException may come out.
 */
class DeltaBatchMutationTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worked-example", "all-types", "schema-change", "pgbench-none"})
    void mutatedBodiesOnlyRaiseCorruptBatchException(String vector) throws Exception {
        byte[] seed = FuzzTargets.bodySeed(Files.readAllBytes(GoldenVectorTest.DIR.resolve(vector + ".bin")));
        SplittableRandom r = new SplittableRandom(vector.hashCode());
        FuzzTargets.decode(FuzzTargets.bodyInput(seed)); // the unmutated seed itself
        for (int i = 0; i < 4000; i++) {
            byte[] m = seed.clone();
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = r.nextInt(m.length);
                switch (r.nextInt(5)) {
                    case 0 -> m[at] = (byte) r.nextInt(256);
                    case 1 -> m[at] ^= (byte) (1 << r.nextInt(8));
                    case 2 -> m = java.util.Arrays.copyOf(m, Math.max(1, at));
                    case 3 -> {
                        byte[] n = new byte[m.length + 1];
                        System.arraycopy(m, 0, n, 0, at);
                        n[at] = (byte) r.nextInt(256);
                        System.arraycopy(m, at, n, at + 1, m.length - at);
                        m = n;
                    }
                    default -> m[at] = (byte) (r.nextBoolean() ? 0xFF : 0x80);
                }
            }
            try {
                FuzzTargets.decode(FuzzTargets.bodyInput(m));
            } catch (RuntimeException | Error e) {
                throw new AssertionError(vector + " mutation " + i + " (input hex "
                        + java.util.HexFormat.of().formatHex(m) + ") escaped with " + e, e);
            }
        }
    }
}
