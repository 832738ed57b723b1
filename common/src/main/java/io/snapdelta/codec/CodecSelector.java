package io.snapdelta.codec;

import com.github.luben.zstd.ZstdDictTrainer;
import com.github.luben.zstd.ZstdException;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaFormatOptions.CodecMode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the body codec per batch. In adaptive mode it keeps, per candidate (none, zstd at a fast, the
 * configured and a high level, zstd with the current trained dictionary), a moving average of output
 * bytes per change and compression nanoseconds per change measured on the batches it compressed. It
 * picks the smallest expected output among candidates within the CPU budget
 * ({@link DeltaFormatOptions#CPU_BUDGET_NS_PER_CHANGE}); when none fits, the cheapest (the fallback under
 * CPU pressure). Unmeasured candidates are tried twice (the first timing includes native set-up); every {@code probe-interval} batches the
 * candidate measured longest ago is re-measured, so estimates follow the data. The choice depends on
 * timings, but the bytes for a given choice do not. One instance per writer; not thread-safe.
 */
public final class CodecSelector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodecSelector.class);
    private static final double ALPHA = 0.25;
    private static final int HIGH_LEVEL = 9;

    private static final class Candidate {
        final Codec codec;
        boolean measured;
        int samples;
        double bytesPerChange;
        double nanosPerChange;
        long measuredAt;

        Candidate(Codec codec) {
            this.codec = codec;
        }
    }

    private final CodecMode mode;
    private final int level;
    private final long budgetNanosPerChange;
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
    private CodecDecision last;

    private CodecSelector(DeltaFormatOptions options, DictionaryStore store, Codec fixed) {
        this.store = store;
        this.level = options.get(DeltaFormatOptions.ZSTD_LEVEL);
        this.budgetNanosPerChange = options.get(DeltaFormatOptions.CPU_BUDGET_NS_PER_CHANGE);
        this.probeInterval = options.get(DeltaFormatOptions.PROBE_INTERVAL);
        this.trainingBatches = options.get(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES);
        this.retrainInterval = options.get(DeltaFormatOptions.DICTIONARY_RETRAIN_INTERVAL);
        this.dictionarySize = (int) options.get(DeltaFormatOptions.DICTIONARY_SIZE).bytes();
        this.nextTrainingAt = trainingBatches;
        if (fixed != null) {
            mode = null;
            dictionaries = false;
            candidates.add(new Candidate(fixed));
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
    }

    /** A selector configured by {@code options}; {@code store} receives trained dictionaries (null: none). */
    public static CodecSelector create(DeltaFormatOptions options, DictionaryStore store) {
        return new CodecSelector(options, store, null);
    }

    /** Always {@code codec}: for tests, golden vectors and fixed-codec benchmark runs. */
    public static CodecSelector fixed(Codec codec) {
        return new CodecSelector(DeltaFormatOptions.defaults(), null, codec);
    }

    public Codec choose() {
        batches++;
        if (mode == CodecMode.ZSTD_DICT) {
            Candidate c = dictionaryCandidate != null ? dictionaryCandidate : candidates.get(0);
            return decide(c, dictionaryCandidate != null ? CodecDecision.Reason.FIXED : CodecDecision.Reason.DICTIONARY_PENDING, "");
        }
        if (candidates.size() == 1) {
            return decide(candidates.get(0), CodecDecision.Reason.FIXED, "");
        }
        for (Candidate c : candidates) {
            if (c.samples < 2) {
                return decide(c, CodecDecision.Reason.PROBE_UNMEASURED, "");
            }
        }
        if (batches % probeInterval == 0) {
            Candidate oldest = candidates.get(0);
            for (Candidate c : candidates) {
                if (c.measuredAt < oldest.measuredAt) {
                    oldest = c;
                }
            }
            return decide(oldest, CodecDecision.Reason.PROBE_REFRESH, describe(oldest));
        }
        Candidate best = null;
        Candidate cheapest = candidates.get(0);
        for (Candidate c : candidates) {
            if (c.nanosPerChange <= budgetNanosPerChange && (best == null || c.bytesPerChange < best.bytesPerChange)) {
                best = c;
            }
            if (c.nanosPerChange < cheapest.nanosPerChange) {
                cheapest = c;
            }
        }
        if (best != null) {
            return decide(best, CodecDecision.Reason.SMALLEST_WITHIN_BUDGET, describe(best));
        }
        return decide(cheapest, CodecDecision.Reason.OVER_BUDGET_CHEAPEST,
                describe(cheapest) + ", budget " + budgetNanosPerChange + " ns/change");
    }

    private static String describe(Candidate c) {
        return String.format("%s: %.3f bytes/change, %.0f ns/change", c.codec, c.bytesPerChange, c.nanosPerChange);
    }

    private Codec decide(Candidate c, CodecDecision.Reason reason, String detail) {
        CodecDecision d = new CodecDecision(c.codec.id(), c.codec.level(), c.codec.dictionaryId(), reason, detail);
        if (last == null || last.codec() != d.codec() || last.level() != d.level() || last.dictionaryId() != d.dictionaryId()) {
            if (reason == CodecDecision.Reason.SMALLEST_WITHIN_BUDGET || reason == CodecDecision.Reason.OVER_BUDGET_CHEAPEST) {
                LOG.info("Delta batch codec is now {} ({}: {})", c.codec, reason, detail);
            }
        }
        last = d;
        return c.codec;
    }

    /** Current estimates per candidate (codec: bytes/change, ns/change), for metrics and logs. */
    public List<String> estimates() {
        List<String> out = new ArrayList<>();
        for (Candidate c : candidates) {
            out.add(c.samples == 0 ? c.codec + ": unmeasured" : describe(c));
        }
        return out;
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
        for (Candidate c : candidates) {
            if (c.codec == codec) {
                update(c, (double) storedLength / perChange, (double) nanos / perChange);
            }
        }
        if (dictionaryCandidate != null && dictionaryCandidate.codec == codec && !candidates.contains(dictionaryCandidate)) {
            update(dictionaryCandidate, (double) storedLength / perChange, (double) nanos / perChange);
        }
        if (dictionaries) {
            samples.addLast(Arrays.copyOf(body, bodyLength));
            while (samples.size() > trainingBatches) {
                samples.removeFirst();
            }
            if (batches >= nextTrainingAt && (lastTrainedAt == Long.MIN_VALUE || batches - lastTrainedAt >= retrainInterval)) {
                train();
            }
        }
    }

    private void update(Candidate c, double bytes, double nanos) {
        c.samples++;
        // The first measurement includes creating the native context; the second replaces it.
        if (c.samples <= 2) {
            c.bytesPerChange = bytes;
            c.nanosPerChange = nanos;
            c.measured = true;
        } else {
            c.bytesPerChange += ALPHA * (bytes - c.bytesPerChange);
            c.nanosPerChange += ALPHA * (nanos - c.nanosPerChange);
        }
        c.measuredAt = batches;
    }

    private void train() {
        long total = 0;
        for (byte[] s : samples) {
            total += s.length;
        }
        nextTrainingAt = batches + trainingBatches;
        try {
            ZstdDictTrainer trainer = new ZstdDictTrainer((int) Math.min(Integer.MAX_VALUE - 8, total), dictionarySize);
            for (byte[] s : samples) {
                trainer.addSample(s);
            }
            byte[] bytes = trainer.trainSamples();
            if (bytes.length == 0) {
                return;
            }
            CompressionDictionary dict = CompressionDictionary.of(bytes);
            store.publish(dict);
            lastTrainedAt = batches;
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
            LOG.info("Trained and published {} from {} batch bodies ({} bytes)", dict, samples.size(), total);
        } catch (ZstdException e) {
            LOG.info("Dictionary training on {} batch bodies ({} bytes) did not produce a dictionary ({}); retrying after {} more batches",
                    samples.size(), total, e.getMessage(), trainingBatches);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not publish a trained dictionary; batches keep using codecs without it", e);
        }
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
