package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.codec.CodecDecision.Reason;
import io.snapdelta.config.DeltaFormatOptions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The selector's policy, fed synthetic measurements (no clocks involved). */
class CodecSelectorTest {
    static final byte[] BODY = new byte[1000];

    private static DeltaFormatOptions adaptive(long budget) {
        return DeltaFormatOptions.defaults().with(DeltaFormatOptions.CPU_BUDGET_NS_PER_CHANGE, budget)
                .with(DeltaFormatOptions.DICTIONARY_ENABLED, false).with(DeltaFormatOptions.PROBE_INTERVAL, 1000);
    }

    /** Pretend costs: none 0 bytes saved and free; higher zstd levels smaller and dearer. */
    private static void feed(CodecSelector s, Codec c) {
        int stored = c.id() == CodecId.NONE ? 1000 : 400 - 20 * c.level();
        long nanos = c.id() == CodecId.NONE ? 1_000 : 10_000L * c.level();
        s.record(c, BODY, BODY.length, stored, nanos, 100);
    }

    /** One batch as the writer runs it: the chosen codec, then the probe if one is due. */
    private static Codec batch(CodecSelector s, Set<String> probed) {
        Codec c = s.choose();
        feed(s, c);
        Codec p = s.probe();
        if (p != null) {
            probed.add(p.toString());
            feed(s, p);
        }
        return c;
    }

    @Test
    void startsWithTheConfiguredLevelProbesTheOthersThenTheSmallestWithinBudgetWins() {
        try (CodecSelector s = CodecSelector.create(adaptive(1_000), null)) {
            Set<String> probed = new HashSet<>();
            assertEquals("zstd(3)", batch(s, probed).toString());
            assertEquals(Reason.INITIAL_DEFAULT, s.lastDecision().reason());
            for (int i = 0; i < 6; i++) {
                batch(s, probed);
            }
            assertEquals(Set.of("zstd(1)", "zstd(9)"), probed);
            // Budget 1000 ns/change: zstd(9) costs 900, zstd(3) 300: 9 is the smallest within budget.
            assertEquals("zstd(9)", s.choose().toString());
            assertEquals(Reason.SMALLEST_WITHIN_BUDGET, s.lastDecision().reason());
        }
    }

    @Test
    void aCodecSavingLessThanTheMinSavingLosesToACheaperOne() {
        // Bodies that are entropy-coded already: every zstd level saves 0.5% (5 of 1000 bytes) for its CPU.
        for (double minSaving : new double[] {0.01, 0.0}) {
            DeltaFormatOptions o = adaptive(1_000_000).with(DeltaFormatOptions.MIN_SAVING, minSaving);
            try (CodecSelector s = CodecSelector.create(o, null)) {
                for (int i = 0; i < 8; i++) {
                    Codec c = s.choose();
                    s.record(c, BODY, BODY.length, c.id() == CodecId.NONE ? 1000 : 995, c.id() == CodecId.NONE ? 0 : 10_000L * c.level(), 100);
                    Codec p = s.probe();
                    if (p != null) {
                        s.record(p, BODY, BODY.length, p.id() == CodecId.NONE ? 1000 : 995, 10_000L * p.level(), 100);
                    }
                }
                Codec chosen = s.choose();
                if (minSaving > 0) {
                    assertEquals(CodecId.NONE, chosen.id());
                    assertEquals(Reason.CHEAPER_WITHIN_MIN_SAVING, s.lastDecision().reason());
                } else {
                    assertEquals(CodecId.ZSTD, chosen.id());
                    assertEquals(Reason.SMALLEST_WITHIN_BUDGET, s.lastDecision().reason());
                }
            }
        }
    }

    /** One batch whose body zstd (any level) stores in {@code zstdStored} of 1000 bytes; true if a zstd level was chosen. */
    private static boolean batchStoring(CodecSelector s, int zstdStored) {
        Codec c = s.choose();
        s.record(c, BODY, BODY.length, c.id() == CodecId.NONE ? 1000 : zstdStored, c.id() == CodecId.NONE ? 0 : 1_000L * c.level(), 100);
        Codec p = s.probe();
        if (p != null) {
            int stored = p.id() == CodecId.NONE ? 1000 : zstdStored;
            s.record(p, BODY, BODY.length, stored, 1_000L * p.level(), 100);
            if (stored < (c.id() == CodecId.NONE ? 1000 : zstdStored)) {
                s.probeWon(p);
            }
        }
        return c.id() != CodecId.NONE;
    }

    @Test
    void afterTheSnapshotsBatchesTheChangeBatchesThatZstdCannotShrinkShipUncompressedAfterOneTry() {
        try (CodecSelector s = CodecSelector.create(adaptive(1_000_000).with(DeltaFormatOptions.PROBE_INTERVAL, 16), null)) {
            for (int i = 0; i < 12; i++) {
                batchStoring(s, 440); // snapshot batches: whole rows, zstd stores 44%
            }
            assertEquals(CodecId.ZSTD, s.choose().id());
            int compressedTries = 0;
            for (int i = 0; i < 12; i++) {
                compressedTries += batchStoring(s, 1005) ? 1 : 0; // packed change batches: zstd adds its frame
            }
            // The first change batch still tries the codec that was best on the snapshot; that failure counts for
            // every level, so the rest ship uncompressed (a periodic probe may re-measure one level meanwhile).
            assertEquals(1, compressedTries);
            assertEquals(CodecId.NONE, s.choose().id());
            // Compressible again: a periodic probe finds it and zstd is chosen again within one probe interval.
            boolean back = false;
            for (int i = 0; i < 17 && !back; i++) {
                batchStoring(s, 440);
                back = s.lastDecision().codec() == CodecId.ZSTD;
            }
            assertEquals(true, back, "zstd chosen again once batches compress again");
        }
    }

    @Test
    void underCpuPressureTheCheapestCodecIsUsed() {
        try (CodecSelector s = CodecSelector.create(adaptive(5), null)) {
            for (int i = 0; i < 8; i++) {
                batch(s, new HashSet<>());
            }
            assertEquals(CodecId.NONE, s.choose().id());
            assertEquals(Reason.OVER_BUDGET_CHEAPEST, s.lastDecision().reason());
        }
    }

    @Test
    void aStreamThatNoDictionaryHelpsIsTrainedOnAfterDoublingWaitsNotEveryTrainingBatches() {
        DeltaFormatOptions o = DeltaFormatOptions.defaults().with(DeltaFormatOptions.PROBE_INTERVAL, 1000)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 8);
        InMemoryDictionaryStore store = new InMemoryDictionaryStore();
        java.util.Random random = new java.util.Random(7);
        try (CodecSelector s = CodecSelector.create(o, store)) {
            for (int i = 0; i < 300; i++) {
                // Random bodies: no dictionary can save bytes on them, so none is ever published.
                byte[] body = new byte[2000];
                random.nextBytes(body);
                Codec c = s.choose();
                s.record(c, body, body.length, body.length + 10, 50_000, 100);
            }
            // Attempts at batches 8, 16, 32, 64, 128 and 256 (every 8 batches would have been 37).
            assertEquals(6, s.dictionaryTrainings());
            assertEquals(java.util.Optional.empty(), store.fetch(1));
        }
    }

    @Test
    void fixedModesReportFixed() {
        try (CodecSelector s = CodecSelector.create(DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.CODEC, DeltaFormatOptions.CodecMode.ZSTD), null)) {
            assertEquals("zstd(3)", s.choose().toString());
            assertEquals(Reason.FIXED, s.lastDecision().reason());
        }
        try (CodecSelector s = CodecSelector.create(DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.CODEC, DeltaFormatOptions.CodecMode.ZSTD_DICT), new InMemoryDictionaryStore())) {
            s.choose();
            assertEquals(Reason.DICTIONARY_PENDING, s.lastDecision().reason());
        }
    }
}
