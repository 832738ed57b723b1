package io.snapdelta.codec;

import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdException;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaFormatOptions.CodecMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the body codec per batch. In adaptive mode it keeps, per candidate (none, zstd at level 1, the
 * configured level and 9, zstd with the current trained dictionary), a moving average of its output size as a
 * share of the body (1 for "none") and of compression CPU nanoseconds per change. Shares, not bytes per change,
 * because candidates are measured on different batches: a stream's snapshot batches (whole rows) compress
 * to under half, its change batches (already packed columns) not at all, and a level last measured on a
 * snapshot batch must not look smaller than "none" measured on the change batch just sealed. It ships with
 * the smallest expected output among candidates within the CPU budget ({@link DeltaFormatOptions#CPU_BUDGET_NS_PER_CHANGE}), or with the cheapest
 * of them whose output is within {@link DeltaFormatOptions#MIN_SAVING} of that (columnar bodies are often
 * entropy-coded already, and zstd then saves a few bytes a batch for all its CPU); when none fits,
 * the cheapest (the fallback under CPU pressure); until the candidates are measured, the configured zstd
 * level. Other candidates are measured by probes ({@link #probe()}): the writer compresses a probe batch a
 * second time and ships the smaller output, so measuring never costs wire bytes. "none" is measured from
 * every body's length. The choice depends on timings, but the bytes for a given choice do not. One
 * instance per writer; not thread-safe.
 */
public final class CodecSelector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodecSelector.class);
    private static final double ALPHA = 0.25;
    private static final int HIGH_LEVEL = 9;
    private static final long INFO_INTERVAL_NANOS = 60_000_000_000L;
    /**
     * The screen's margins (see {@link #screenDeclines}). Measured at default settings on pgbench-small (sweep) and a
     * 1M-account capture, every training run and compared with the screen: a trained dictionary saved 0.85-1.14x
     * what the raw-content one saved on the held-out body (less, down to 0, where the newest bodies share strings
     * the older ones do not), hence x2 on the saving; trained dictionaries came out at 0.27-0.87 of
     * min(target size, training bytes) (fastCover leaves out what few samples share), hence 1/4 of it.
     */
    static final int SCREEN_SAVING_MARGIN = 2;
    static final int SCREEN_SIZE_SHARE = 4;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final class Candidate {
        final Codec codec;
        int samples;
        /** Moving average of output bytes per body byte. */
        double outputShare;
        double nanosPerChange;
        long measuredAt;

        Candidate(Codec codec) {
            this.codec = codec;
        }
    }

    private final CodecMode mode;
    private final int level;
    private final long budgetNanosPerChange;
    private final double minSaving;
    private final int probeInterval;
    private final boolean dictionaries;
    private final int trainingBatches;
    private final int retrainInterval;
    private final int dictionarySize;
    private final DictionaryStore store;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Deque<byte[]> samples = new ArrayDeque<>();
    private Candidate dictionaryCandidate;
    private long batches;
    private long lastTrainedAt = Long.MIN_VALUE;
    private long nextTrainingAt;
    /**
     * Batches to wait after a training that published nothing: doubles after each such training, up to the
     * retrain interval, and starts again at {@code training-batches} after a published dictionary. Training
     * runs on the sealing thread and costs as much as sealing many batches (zstd searches its parameters), so
     * a stream whose bodies a dictionary does not help must not pay for it every {@code training-batches}
     * batches (on a 2.1M-change generated pgbench capture that was 8% of the encode CPU).
     */
    private long trainingDelay;
    private long trainings;
    private long screenedOut;
    private long published;
    private long trainingCpuNanos;
    private CodecDecision last;
    private Codec lastCodec;
    /** Codec changes and declined dictionaries: the first and then one a minute at INFO, the rest at DEBUG. */
    private final InfoEveryMinute codecChanges = new InfoEveryMinute();
    private final InfoEveryMinute declinedDictionaries = new InfoEveryMinute();
    private Candidate probing;
    private Candidate defaultCandidate;
    private Candidate noneCandidate;

    private CodecSelector(DeltaFormatOptions options, DictionaryStore store, Codec fixed) {
        this.store = store;
        this.level = options.get(DeltaFormatOptions.ZSTD_LEVEL);
        this.budgetNanosPerChange = options.get(DeltaFormatOptions.CPU_BUDGET_NS_PER_CHANGE);
        this.minSaving = options.get(DeltaFormatOptions.MIN_SAVING);
        this.probeInterval = options.get(DeltaFormatOptions.PROBE_INTERVAL);
        this.trainingBatches = options.get(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES);
        this.retrainInterval = options.get(DeltaFormatOptions.DICTIONARY_RETRAIN_INTERVAL);
        this.dictionarySize = (int) options.get(DeltaFormatOptions.DICTIONARY_SIZE).bytes();
        this.nextTrainingAt = trainingBatches;
        this.trainingDelay = trainingBatches;
        if (fixed != null) {
            mode = null;
            dictionaries = false;
            candidates.add(new Candidate(fixed));
            defaultCandidate = candidates.get(0);
            return;
        }
        mode = options.get(DeltaFormatOptions.CODEC);
        dictionaries = store != null && options.get(DeltaFormatOptions.DICTIONARY_ENABLED)
                && (mode == CodecMode.ADAPTIVE || mode == CodecMode.ZSTD_DICT);
        switch (mode) {
            case NONE -> candidates.add(new Candidate(new NoneCodec()));
            case ZSTD, ZSTD_DICT -> candidates.add(new Candidate(new ZstdCodec(level)));
            case ADAPTIVE -> {
                candidates.add(new Candidate(new NoneCodec()));
                for (int l : new int[] {1, level, Math.max(level, HIGH_LEVEL)}) {
                    if (candidates.stream().noneMatch(c -> c.codec.level() == l)) {
                        candidates.add(new Candidate(new ZstdCodec(l)));
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled mode " + mode);
        }
        for (Candidate c : candidates) {
            if (c.codec.id() == CodecId.NONE) {
                noneCandidate = c;
            }
            if (c.codec.id() == CodecId.ZSTD && c.codec.level() == level) {
                defaultCandidate = c;
            }
        }
        if (defaultCandidate == null) {
            defaultCandidate = candidates.get(0);
        }
    }

    /** A selector configured by {@code options}; {@code store} receives trained dictionaries (null: none). */
    public static CodecSelector create(DeltaFormatOptions options, DictionaryStore store) {
        return new CodecSelector(options, store, null);
    }

    /** Always {@code codec}: for tests, golden vectors and fixed-codec benchmark runs. */
    public static CodecSelector fixed(Codec codec) {
        return new CodecSelector(DeltaFormatOptions.defaults(), null, codec);
    }

    /** The codec the batch is shipped with (before a probe may beat it, see {@link #probe()}). */
    public Codec choose() {
        batches++;
        probing = null;
        if (mode == CodecMode.ZSTD_DICT) {
            Candidate c = dictionaryCandidate != null ? dictionaryCandidate : candidates.get(0);
            return decide(c, dictionaryCandidate != null ? CodecDecision.Reason.FIXED : CodecDecision.Reason.DICTIONARY_PENDING, "");
        }
        if (candidates.size() == 1) {
            return decide(candidates.get(0), CodecDecision.Reason.FIXED, "");
        }
        Candidate best = null;
        Candidate cheapest = null;
        for (Candidate c : candidates) {
            if (c.samples < 2) {
                continue;
            }
            if (c.nanosPerChange <= budgetNanosPerChange && (best == null || c.outputShare < best.outputShare)) {
                best = c;
            }
            if (cheapest == null || c.nanosPerChange < cheapest.nanosPerChange) {
                cheapest = c;
            }
        }
        if (best != null && best.codec.id() != CodecId.NONE || best != null && allMeasured()) {
            Candidate worthIt = cheapestAlmostAsSmall(best);
            if (worthIt != best) {
                return decide(worthIt, CodecDecision.Reason.CHEAPER_WITHIN_MIN_SAVING, describe(worthIt) + " against "
                        + describe(best) + ", min saving " + minSaving);
            }
            return decide(best, CodecDecision.Reason.SMALLEST_WITHIN_BUDGET, describe(best));
        }
        if (best == null && cheapest != null && allMeasured()) {
            return decide(cheapest, CodecDecision.Reason.OVER_BUDGET_CHEAPEST,
                    describe(cheapest) + ", budget " + budgetNanosPerChange + " ns/change");
        }
        // Until the compressing candidates are measured: the configured zstd level, never "none".
        return decide(defaultCandidate, CodecDecision.Reason.INITIAL_DEFAULT, "");
    }

    /**
     * The cheapest measured candidate within the budget whose expected output the smallest one ({@code best})
     * undercuts by less than the min-saving share, or {@code best} itself.
     */
    private Candidate cheapestAlmostAsSmall(Candidate best) {
        Candidate chosen = best;
        for (Candidate c : candidates) {
            if (c.samples >= 2 && c.nanosPerChange <= budgetNanosPerChange && c.nanosPerChange < chosen.nanosPerChange
                    && best.outputShare > c.outputShare * (1 - minSaving)) {
                chosen = c;
            }
        }
        return chosen;
    }

    private boolean allMeasured() {
        for (Candidate c : candidates) {
            if (c.samples < 2) {
                return false;
            }
        }
        return true;
    }

    /**
     * A second codec to try on this batch, or null. The writer compresses the batch with it too, feeds
     * both measurements back and ships the smaller output, so probing never costs bytes on the wire, only
     * one extra compression on probe batches: candidates not yet measured twice, then one candidate
     * every {@code probe-interval} batches (the one measured longest ago). "none" needs no probe: it is
     * measured from the body length of every batch.
     */
    public Codec probe() {
        if (candidates.size() == 1 || mode == CodecMode.ZSTD_DICT) {
            return null;
        }
        Codec chosen = lastCodec;
        for (Candidate c : candidates) {
            if (c.samples < 2 && c.codec != chosen && c.codec.id() != CodecId.NONE) {
                probing = c;
                return c.codec;
            }
        }
        if (batches % probeInterval == 0) {
            Candidate oldest = null;
            for (Candidate c : candidates) {
                if (c.codec != chosen && c.codec.id() != CodecId.NONE && (oldest == null || c.measuredAt < oldest.measuredAt)) {
                    oldest = c;
                }
            }
            probing = oldest;
            return oldest == null ? null : oldest.codec;
        }
        return null;
    }

    /** The writer shipped the probe's output because it was smaller: the decision becomes the probe. */
    public void probeWon(Codec probe) {
        if (probing != null && probing.codec == probe) {
            decide(probing, probing.samples <= 2 ? CodecDecision.Reason.PROBE_UNMEASURED : CodecDecision.Reason.PROBE_REFRESH,
                    describe(probing));
        }
    }

    /**
     * "zstd(3): 0.441 of the body, 812 ns/change". Built on every batch's decision, so without a Formatter
     * (which cost more than the rest of the selector); rounding half up to 3 and 0 decimals.
     */
    private static String describe(Candidate c) {
        StringBuilder sb = new StringBuilder(48).append(c.codec).append(": ");
        appendMillis(sb, Math.round(c.outputShare * 1000));
        return sb.append(" of the body, ").append(Math.round(c.nanosPerChange)).append(" ns/change").toString();
    }

    /** Appends {@code thousandths / 1000} with three decimals. */
    private static void appendMillis(StringBuilder sb, long thousandths) {
        if (thousandths < 0) {
            sb.append('-');
            thousandths = -thousandths;
        }
        long frac = thousandths % 1000;
        sb.append(thousandths / 1000).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    private Codec decide(Candidate c, CodecDecision.Reason reason, String detail) {
        CodecDecision d = new CodecDecision(c.codec.id(), c.codec.level(), c.codec.dictionaryId(), reason, detail);
        if (last == null || last.codec() != d.codec() || last.level() != d.level() || last.dictionaryId() != d.dictionaryId()) {
            if (reason == CodecDecision.Reason.SMALLEST_WITHIN_BUDGET || reason == CodecDecision.Reason.CHEAPER_WITHIN_MIN_SAVING
                    || reason == CodecDecision.Reason.OVER_BUDGET_CHEAPEST) {
                logChange(c, reason, detail);
            }
        }
        last = d;
        lastCodec = c.codec;
        return c.codec;
    }

    /**
     * The first choice and then at most one change a minute go to INFO, with the count of changes in between;
     * every change goes to DEBUG. A job runs one selector per shard, and near a tie between two levels the
     * choice flips often (hundreds of lines a minute at INFO otherwise); the metrics carry every decision.
     */
    private void logChange(Candidate c, CodecDecision.Reason reason, String detail) {
        int since = codecChanges.infoNow();
        if (since >= 0) {
            LOG.info("Delta batch codec is now {} ({}: {}); {} change(s) since the last such line", c.codec, reason, detail, since + 1);
        } else {
            LOG.debug("Delta batch codec is now {} ({}: {})", c.codec, reason, detail);
        }
    }

    /**
     * Rate limit for lines a selector may repeat often: the first event and then at most one a minute go to
     * INFO, the others to DEBUG.
     */
    static final class InfoEveryMinute {
        private final java.util.function.LongSupplier nanoTime;
        private long lastInfoNanos;
        private boolean any;
        private int suppressed;

        InfoEveryMinute() {
            this(System::nanoTime);
        }

        /** @param nanoTime the clock ({@link System#nanoTime()} but in tests) */
        InfoEveryMinute(java.util.function.LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
        }

        /** -1 if this event goes to DEBUG; else how many went to DEBUG since the last INFO one (and resets that). */
        int infoNow() {
            long now = nanoTime.getAsLong();
            if (any && now - lastInfoNanos < INFO_INTERVAL_NANOS) {
                suppressed++;
                return -1;
            }
            any = true;
            lastInfoNanos = now;
            int n = suppressed;
            suppressed = 0;
            return n;
        }
    }

    /** Current estimates per candidate (codec: output share of the body, ns/change), for metrics and logs. */
    public List<String> estimates() {
        List<String> out = new ArrayList<>();
        for (Candidate c : candidates) {
            out.add(c.samples == 0 ? c.codec + ": unmeasured" : describe(c));
        }
        return out;
    }

    /** Dictionary trainings run so far (published or not): each costs the sealing thread a zstd training. */
    public long dictionaryTrainings() {
        return trainings;
    }

    /** Training attempts the {@link DictionaryScreen} declined before training (counted apart from trainings). */
    public long dictionariesScreenedOut() {
        return screenedOut;
    }

    /** Trained dictionaries published so far. */
    public long dictionariesPublished() {
        return published;
    }

    /** Thread CPU nanoseconds spent in training attempts (screens, trainings, their evaluation, publishing). */
    public long dictionaryTrainingCpuNanos() {
        return trainingCpuNanos;
    }

    /** The last decision and its reason (null before the first batch). */
    public CodecDecision lastDecision() {
        return last;
    }

    /**
     * Feeds back one compressed batch: which codec, body bytes in and out, compression time, changes.
     * Also keeps the body as a dictionary training sample and trains when due.
     */
    public void record(Codec codec, byte[] body, int bodyLength, int storedLength, long nanos, int changes) {
        int perChange = Math.max(1, changes);
        double share = (double) storedLength / Math.max(1, bodyLength);
        if (noneCandidate != null && noneCandidate.codec != codec && codec != probingCodec()) {
            update(noneCandidate, 1, 0);
        }
        for (Candidate c : candidates) {
            if (c.codec == codec) {
                update(c, share, (double) nanos / perChange);
            }
        }
        if (dictionaryCandidate != null && dictionaryCandidate.codec == codec && !candidates.contains(dictionaryCandidate)) {
            update(dictionaryCandidate, share, (double) nanos / perChange);
        }
        if (share >= 1 && codec.id() != CodecId.NONE && codec != probingCodec()) {
            // The chosen codec saved nothing: the bodies are packed past what zstd finds (change batches after a
            // snapshot's). Its other levels fail alike on such input, so they are assumed to save nothing too
            // until the periodic probe measures them again, instead of each being chosen in turn to find out.
            for (Candidate c : candidates) {
                if (c.codec != codec && c.codec.id() != CodecId.NONE && c.outputShare < 1) {
                    c.outputShare = share;
                }
            }
        }
        if (dictionaries && codec != probingCodec()) {
            samples.addLast(Arrays.copyOf(body, bodyLength));
            while (samples.size() > trainingBatches) {
                samples.removeFirst();
            }
            if (batches >= nextTrainingAt && (lastTrainedAt == Long.MIN_VALUE || batches - lastTrainedAt >= retrainInterval)) {
                train();
            }
        }
    }

    private Codec probingCodec() {
        return probing == null ? null : probing.codec;
    }

    private void update(Candidate c, double share, double nanos) {
        c.samples++;
        // The first measurement includes creating the native context; the second replaces it.
        if (c.samples <= 2) {
            c.outputShare = share;
            c.nanosPerChange = nanos;
        } else {
            // A codec that saved nothing on this batch (the writer then ships the body as it is) while its estimate
            // says it compresses, or the other way round, met another kind of batch: a change batch after the
            // snapshot's. The new measurement replaces the estimate; averaging would keep choosing a codec that
            // now saves nothing for many batches (and every candidate in turn, each with an older estimate).
            boolean savedNothing = share >= 1;
            boolean expectedNothing = c.outputShare >= 1;
            c.outputShare = savedNothing != expectedNothing ? share : c.outputShare + ALPHA * (share - c.outputShare);
            c.nanosPerChange += ALPHA * (nanos - c.nanosPerChange);
        }
        c.measuredAt = batches;
    }

    /**
     * Trains a dictionary from all recent bodies but the newest, and publishes it only if it pays for
     * itself: the bytes it saves on the newest body (held out of training, so the saving is not flattered)
     * times the batches expected to use it must exceed the dictionary's own size, which every replica
     * fetches. Batches expected to use it: min(retrain interval, batches this stream has sealed so far),
     * i.e. a stream is assumed to run on at least as long as it has run. A dictionary that does not pay is
     * dropped, and training is tried again after twice the previous wait ({@link #trainingDelay}; the horizon
     * grows meanwhile).
     *
     * <p>In adaptive mode a {@link DictionaryScreen} runs first: if even a raw-content dictionary of the recent
     * bodies saves so little on the held-out body that, with generous margins ({@link #screenDeclines}), that
     * saving x the expected uses does not recover a dictionary's size, the attempt is declined without training
     * (same back-off, same log line, counted in {@link #dictionariesScreenedOut()}). A training costs 16-100 ms
     * of the sealing thread (fastCover tries several parameter sets, each scored by compressing the samples, in
     * freshly allocated native tables), the screen two compressions of one body. The screen is a heuristic, not a
     * bound (see {@link DictionaryScreen}): the margins are measured, not proven.
     * In mode zstd-dict the user asked for dictionaries, so there is no screen and every trained dictionary is
     * published.
     */
    private void train() {
        // Until a dictionary is published, the next attempt waits twice as long as this one did.
        nextTrainingAt = batches + trainingDelay;
        trainingDelay = Math.min(trainingDelay * 2, Math.max(trainingBatches, retrainInterval));
        if (samples.size() < 2) {
            return;
        }
        long cpu0 = threadCpuNanos();
        try {
            trainOrScreen();
        } finally {
            trainingCpuNanos += threadCpuNanos() - cpu0;
        }
    }

    private void trainOrScreen() {
        List<byte[]> training = new ArrayList<>(samples);
        byte[] heldOut = training.remove(training.size() - 1);
        long expectedUses = Math.min(retrainInterval, batches);
        long total = 0;
        for (byte[] s : training) {
            total += s.length;
        }
        int plainSize = -1;
        if (mode == CodecMode.ADAPTIVE) {
            DictionaryScreen.Sizes screen;
            try {
                screen = DictionaryScreen.measure(training, heldOut, level, dictionarySize);
            } catch (RuntimeException e) {
                // Only a shortcut: without it the training decides, as it did before the screen existed.
                LOG.debug("Dictionary screen failed; training without it", e);
                screen = null;
            }
            plainSize = screen == null ? -1 : screen.plain();
            if (screen != null && screenDeclines(screen.saving(), expectedUses, Math.min(dictionarySize, total))) {
                screenedOut++;
                logDeclined("raw-content dictionary of the recent bodies (screened before training)", screen.saving(),
                        expectedUses);
                return;
            }
        }
        trainings++;
        try {
            ZstdDictTrainer trainer = new ZstdDictTrainer((int) Math.min(Integer.MAX_VALUE - 8, total), dictionarySize);
            for (byte[] s : training) {
                trainer.addSample(s);
            }
            byte[] bytes = trainer.trainSamples();
            if (bytes.length == 0) {
                return;
            }
            CompressionDictionary dict = CompressionDictionary.of(bytes);
            long saving;
            try (ZstdCodec plain = new ZstdCodec(level); ZstdDictionaryCodec withDict = new ZstdDictionaryCodec(level, dict)) {
                // The screen compressed the held-out body at this level with the same frame parameters already.
                int plainLength = plainSize >= 0 ? plainSize : plain.compress(heldOut, 0, heldOut.length).length;
                saving = (long) plainLength - withDict.compress(heldOut, 0, heldOut.length).length;
            }
            if (mode == CodecMode.ADAPTIVE && saving * expectedUses <= bytes.length) {
                logDeclined("trained " + dict, saving, expectedUses);
                return;
            }
            store.publish(dict);
            published++;
            lastTrainedAt = batches;
            trainingDelay = trainingBatches;
            Candidate old = dictionaryCandidate;
            dictionaryCandidate = new Candidate(new ZstdDictionaryCodec(level, dict));
            if (old != null) {
                candidates.remove(old);
            }
            if (mode == CodecMode.ADAPTIVE) {
                candidates.add(dictionaryCandidate);
            }
            if (old != null) {
                old.codec.close();
            }
            LOG.info("Trained and published {} from {} batch bodies ({} bytes); it saves {} bytes on a held-out body, "
                    + "x {} expected batches", dict, training.size(), total, saving, expectedUses);
        } catch (ZstdException e) {
            LOG.info("Dictionary training on {} batch bodies ({} bytes) did not produce a dictionary ({}); retrying after {} more batches",
                    training.size(), total, e.getMessage(), nextTrainingAt - batches);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not publish a trained dictionary; batches keep using codecs without it", e);
        }
    }

    /**
     * Whether a training is not worth running: the raw-content dictionary's saving on the held-out body, times
     * {@link #SCREEN_SAVING_MARGIN} (a trained dictionary may save more) and the expected uses, does not recover
     * {@code 1 / SCREEN_SIZE_SHARE} of the smallest size expected of a trained dictionary (it may come out smaller).
     *
     * @param maxDictionarySize min(target dictionary size, bytes of the training bodies)
     */
    static boolean screenDeclines(long rawSaving, long expectedUses, long maxDictionarySize) {
        return rawSaving * SCREEN_SAVING_MARGIN * SCREEN_SIZE_SHARE * expectedUses <= maxDictionarySize;
    }

    private void logDeclined(String what, long saving, long expectedUses) {
        int since = declinedDictionaries.infoNow();
        String line = "Not publishing a {}: it saves {} bytes on a held-out batch body, x {} expected "
                + "batches = {} bytes, which does not recover its size";
        if (since >= 0) {
            LOG.info(line + " ({} more declined since the last such line)", what, saving, expectedUses, saving * expectedUses, since);
        } else {
            LOG.debug(line, what, saving, expectedUses, saving * expectedUses);
        }
    }

    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    @Override
    public void close() {
        for (Candidate c : candidates) {
            c.codec.close();
        }
        if (dictionaryCandidate != null) {
            dictionaryCandidate.codec.close();
        }
    }
}
