package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Bodies of 2,000 random bytes: nothing in one recurs in another, so no dictionary can save bytes on them. */
    private static void feedRandomBodies(CodecSelector s, int batches, long seed) {
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < batches; i++) {
            byte[] body = new byte[2000];
            random.nextBytes(body);
            Codec c = s.choose();
            s.record(c, body, body.length, body.length + 10, 50_000, 100);
        }
    }

    @Test
    void aStreamThatNoDictionaryHelpsIsScreenedAfterDoublingWaitsAndNeverTrained() {
        DeltaFormatOptions o = DeltaFormatOptions.defaults().with(DeltaFormatOptions.PROBE_INTERVAL, 1000)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 8);
        InMemoryDictionaryStore store = new InMemoryDictionaryStore();
        try (CodecSelector s = CodecSelector.create(o, store)) {
            feedRandomBodies(s, 300, 7);
            // Attempts at batches 8, 16, 32, 64, 128 and 256 (every 8 batches would have been 37); the raw-content
            // screen finds no saving on random bodies, so none of them runs zstd's trainer.
            assertEquals(6, s.dictionariesScreenedOut());
            assertEquals(0, s.dictionaryTrainings());
            assertEquals(0, s.dictionariesPublished());
            assertEquals(java.util.Optional.empty(), store.fetch(1));
        }
    }

    /**
     * Short bodies drawn from a shared vocabulary of random tokens: each body alone is too short for zstd to find
     * much, the recent bodies together hold every token, so a dictionary saves most of each body.
     */
    private static byte[] vocabularyBody(java.util.Random random, byte[][] vocabulary) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (out.size() < 600) {
            out.writeBytes(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return out.toByteArray();
    }

    private static void feedVocabularyBodies(CodecSelector s, int batches) {
        java.util.Random random = new java.util.Random(11);
        byte[][] vocabulary = new byte[64][];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = new byte[12];
            random.nextBytes(vocabulary[i]);
        }
        for (int i = 0; i < batches && s.dictionariesPublished() == 0; i++) {
            byte[] body = vocabularyBody(random, vocabulary);
            Codec c = s.choose();
            s.record(c, body, body.length, body.length / 2, 50_000, 100);
        }
    }

    @Test
    void aStreamWhoseBodiesADictionaryHelpsPassesTheScreenAndGetsAPublishedDictionary() {
        DeltaFormatOptions o = DeltaFormatOptions.defaults().with(DeltaFormatOptions.PROBE_INTERVAL, 1000)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 16);
        InMemoryDictionaryStore store = new InMemoryDictionaryStore();
        try (CodecSelector s = CodecSelector.create(o, store)) {
            feedVocabularyBodies(s, 64);
            assertEquals(0, s.dictionariesScreenedOut());
            assertEquals(1, s.dictionariesPublished());
            assertTrue(s.dictionaryTrainings() >= 1);
            assertTrue(s.dictionaryTrainingCpuNanos() > 0);
            assertTrue(s.estimates().stream().anyMatch(e -> e.startsWith("zstd-dict(3, ")), s.estimates().toString());
        }
    }

    @Test
    void inModeZstdDictTheScreenDoesNotApplyAndEveryTrainedDictionaryIsPublished() {
        // One expected use per dictionary (retrain interval 1): adaptive mode's screen declines these bodies...
        DeltaFormatOptions o = DeltaFormatOptions.defaults().with(DeltaFormatOptions.PROBE_INTERVAL, 1000)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 16).with(DeltaFormatOptions.DICTIONARY_RETRAIN_INTERVAL, 1);
        try (CodecSelector s = CodecSelector.create(o, new InMemoryDictionaryStore())) {
            feedVocabularyBodies(s, 16);
            assertEquals(1, s.dictionariesScreenedOut());
            assertEquals(0, s.dictionaryTrainings());
        }
        // ...while zstd-dict, where the user asked for dictionaries, trains on them and publishes.
        try (CodecSelector s = CodecSelector.create(o.with(DeltaFormatOptions.CODEC, DeltaFormatOptions.CodecMode.ZSTD_DICT),
                new InMemoryDictionaryStore())) {
            feedVocabularyBodies(s, 16);
            assertEquals(0, s.dictionariesScreenedOut());
            assertEquals(1, s.dictionaryTrainings());
            assertEquals(1, s.dictionariesPublished());
            assertEquals(CodecId.ZSTD_DICT, s.choose().id());
        }
    }

    @Test
    void theScreensDecisionIsDeterministic() {
        DeltaFormatOptions o = DeltaFormatOptions.defaults().with(DeltaFormatOptions.PROBE_INTERVAL, 1000)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 8);
        long[] screened = new long[2];
        for (int run = 0; run < 2; run++) {
            try (CodecSelector s = CodecSelector.create(o, new InMemoryDictionaryStore())) {
                feedRandomBodies(s, 100, 3);
                screened[run] = s.dictionariesScreenedOut();
            }
        }
        assertEquals(4, screened[0]);
        assertEquals(screened[0], screened[1]);
    }

    @Test
    void theScreenDeclinesOnlyWhatTheMarginsSayCannotPay() {
        // 16 KiB at most; x2 on the saving, a dictionary possibly 1/4 of that: 16384 / 8 = 2048 byte-uses.
        assertTrue(CodecSelector.screenDeclines(64, 32, 16_384));
        assertFalse(CodecSelector.screenDeclines(65, 32, 16_384));
        assertTrue(CodecSelector.screenDeclines(0, 10_000, 16_384));
        // Few training bytes: the dictionary can be no larger than they are.
        assertFalse(CodecSelector.screenDeclines(10, 32, 2_000));
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
