package io.snapdelta.format;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * A rough size/speed check of the format on synthetic pgbench-like batches (not a test; the real
 * numbers come from {@code bin/snapdelta bench bandwidth}). Run with the test classpath:
 * {@code java -cp <test classpath> io.snapdelta.format.QuickFormatBench [batches] [changesPerBatch]}.
 */
public final class QuickFormatBench {
    /** Format version written: -Dformat.version=1 or 2 (default: current). */
    private static final int VERSION = Integer.getInteger("format.version", BatchLayout.CURRENT_FORMAT_VERSION);

    /** Thread CPU time: the machine is shared, wall time would measure the neighbours. */
    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        PgbenchLikeBatches gen = new PgbenchLikeBatches(42, 100_000);
        List<List<DeltaOp>> all = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            all.add(gen.next(perBatch));
        }
        byte[] d = new byte[BatchLayout.DIGEST_LENGTH];
        // Decode speed: seal once with zstd-3, then decode every batch against a state kept up to date.
        List<byte[]> sealedBatches = new ArrayList<>();
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)), VERSION)) {
            long seq = 0;
            for (List<DeltaOp> ops : all) {
                sealedBatches.add(w.write(new DeltaBatch(0, seq++, Version.ZERO, Version.ZERO, ops, d, d)));
            }
        }
        for (int round = 0; round < 5; round++) {
            PgbenchLikeBatches replica = new PgbenchLikeBatches(42, 100_000);
            java.util.Map<io.snapdelta.model.TableId, java.util.Map<io.snapdelta.model.Row, io.snapdelta.model.Row>> state = replica.state;
            long changes = 0;
            long t0 = cpu();
            try (DeltaBatchReader r = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
                for (byte[] b : sealedBatches) {
                    SealedBatch sb = r.read(b, replica.lookup());
                    for (DeltaOp op : sb.ops()) {
                        java.util.Map<io.snapdelta.model.Row, io.snapdelta.model.Row> rows = state.computeIfAbsent(op.table(), x -> new java.util.HashMap<>());
                        if (op instanceof DeltaOp.Insert i) {
                            rows.put(op.key(), i.after());
                        } else if (op instanceof DeltaOp.Update u) {
                            rows.put(op.key(), u.after());
                        } else {
                            rows.remove(op.key());
                        }
                    }
                    changes += sb.ops().size();
                }
            }
            if (round == 4) {
                System.out.printf("decode+apply zstd3 %,.0f changes/s%n", changes * 1e9 / (cpu() - t0));
            }
        }
        for (String name : new String[] {"none", "zstd1", "zstd3", "zstd9", "adaptive"}) {
            CodecSelector sel = switch (name) {
                case "none" -> CodecSelector.fixed(new NoneCodec());
                case "zstd1" -> CodecSelector.fixed(new ZstdCodec(1));
                case "zstd3" -> CodecSelector.fixed(new ZstdCodec(3));
                case "zstd9" -> CodecSelector.fixed(new ZstdCodec(9));
                default -> CodecSelector.create(DeltaFormatOptions.defaults(), new InMemoryDictionaryStore());
            };
            for (int round = 0; round < 3; round++) {
                long bytes = 0;
                long changes = 0;
                long t0 = cpu();
                try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), sel, VERSION)) {
                    long seq = 0;
                    for (List<DeltaOp> ops : all) {
                        byte[] b = w.write(new DeltaBatch(0, seq++, Version.ZERO, Version.ZERO, ops, d, d));
                        bytes += b.length;
                        changes += ops.size();
                    }
                }
                long nanos = cpu() - t0;
                if (round == 2) {
                    System.out.printf("%-9s %6.3f bytes/change  encode %,.0f changes/s  last=%s %s%n", name,
                            (double) bytes / changes, changes * 1e9 / nanos, sel.lastDecision(), sel.estimates());
                }
            }
        }
    }
}
