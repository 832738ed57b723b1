package io.snapdelta.format;

import io.snapdelta.codec.Codec;
import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The logical content of every golden vector under {@code src/test/resources/golden/delta-batch-v1/},
 * and the recipe that writes them: {@code main(dir)} (or the test with
 * {@code -Dsnapdelta.golden.regenerate=true}) writes {@code NAME.bin} and the readable {@code NAME.txt}.
 * A vector is a fresh writer (so it carries its schema definitions) sealing one batch with a fixed codec.
 */
public final class GoldenVectors {
    /** One golden vector: the receiver's rows before the batch, and the batch. */
    public record Vector(String name, String description, Codec codec, Map<TableId, List<Row>> stateBefore,
                         Map<TableId, RowSchema> keySchemas, DeltaBatch batch) {
        /** The receiver before the batch: its rows, and (format v3) its ordered keys. */
        RowLookup lookup() {
            return new RowLookup() {
                @Override
                public Row get(TableId t, Row key) {
                    for (Row r : stateBefore.getOrDefault(t, List.of())) {
                        if (keyOf(t, r).equals(key)) {
                            return r;
                        }
                    }
                    return null;
                }

                @Override
                public HeldKeyIndex heldKeys(TableId t) {
                    List<Row> keys = new ArrayList<>();
                    for (Row r : stateBefore.getOrDefault(t, List.of())) {
                        keys.add(keyOf(t, r));
                    }
                    return HeldKeyIndex.of(keys);
                }
            };
        }

        private Row keyOf(TableId t, Row r) {
            RowSchema ks = keySchemas.get(t);
            Object[] k = new Object[ks.size()];
            for (int i = 0; i < k.length; i++) {
                k[i] = r.get(ks.name(i));
            }
            return Row.of(ks, k);
        }
    }

    static byte[] digest(int seed) {
        byte[] d = new byte[BatchLayout.DIGEST_LENGTH];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (seed * 31 + i);
        }
        return d;
    }

    static final TableId ITEMS = TableId.of("shop", "items");
    static final RowSchema ITEM = RowSchema.of(new String[] {"id", "name", "price", "active", "code"},
            new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.INT64, FieldType.BOOLEAN, FieldType.STRING});
    static final RowSchema ITEM_KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});

    static final TableId ALL = TableId.of("", "all_types");
    static final RowSchema ALL_ROW = RowSchema.of(
            new String[] {"k1", "k2", "b", "i", "f", "dec", "s", "bin", "ts", "d", "nothing"},
            new FieldType[] {FieldType.STRING, FieldType.INT64, FieldType.BOOLEAN, FieldType.INT64, FieldType.FLOAT64,
                FieldType.DECIMAL, FieldType.STRING, FieldType.BYTES, FieldType.TIMESTAMP_MICROS, FieldType.DATE, FieldType.NULL});
    static final RowSchema ALL_KEY = RowSchema.of(new String[] {"k1", "k2"}, new FieldType[] {FieldType.STRING, FieldType.INT64});

    static final RowSchema ITEM_V2 = RowSchema.of(new String[] {"id", "name", "price", "active", "code", "stock"},
            new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.INT64, FieldType.BOOLEAN, FieldType.STRING, FieldType.INT64});

    public static List<Vector> all() {
        List<Vector> v = new ArrayList<>();
        v.add(workedExample());
        v.add(allTypes());
        v.add(schemaChange());
        v.add(pgbench(new ZstdCodec(3), "pgbench-zstd3"));
        v.add(pgbench(new NoneCodec(), "pgbench-none"));
        return v;
    }

    /** The spec's worked example: one insert, one update of one field, one delete; no compression. */
    static Vector workedExample() {
        Row pen = Row.of(ITEM, 7L, "pen", 120L, true, "A1  ");
        Row cup = Row.of(ITEM, 8L, "cup", 300L, false, "B22 ");
        Row cupAfter = Row.of(ITEM, 8L, "cup", 290L, false, "B22 ");
        Row ink = Row.of(ITEM, 9L, "ink", 50L, true, "C3  ");
        List<DeltaOp> ops = List.of(
                new DeltaOp.Insert(ITEMS, Row.of(ITEM_KEY, 7L), pen),
                new DeltaOp.Update(ITEMS, Row.of(ITEM_KEY, 8L), cup, cupAfter),
                new DeltaOp.Delete(ITEMS, Row.of(ITEM_KEY, 9L), ink));
        return new Vector("worked-example", "spec worked example: insert, update (price -10), delete; codec none",
                new NoneCodec(), Map.of(ITEMS, List.of(cup, ink)), Map.of(ITEMS, ITEM_KEY),
                new DeltaBatch(1, 42, new Version(100, 1), new Version(100, 3), ops, digest(1), digest(2)));
    }

    static Vector allTypes() {
        Row a = Row.of(ALL_ROW, "k", 1L, true, Long.MIN_VALUE, 1.5, new BigDecimal("-12345678901234567890.001"),
                "grüße \uD83D\uDE00", new byte[] {0, (byte) 0xFF}, 1_700_000_000_000_000L, 19_000L, null);
        Row b = Row.of(ALL_ROW, "k", 2L, false, Long.MAX_VALUE, Double.NaN, BigDecimal.ZERO, "", new byte[0], -1L, -1L, null);
        Row c = Row.of(ALL_ROW, "", -3L, null, null, null, null, null, null, null, null, null);
        Row bAfter = Row.of(ALL_ROW, "k", 2L, true, 0L, -0.0, new BigDecimal("1E+5"), null, new byte[] {1}, 5L, -1L, null);
        List<DeltaOp> ops = List.of(
                new DeltaOp.Insert(ALL, Row.of(ALL_KEY, "k", 1L), a),
                new DeltaOp.Insert(ALL, Row.of(ALL_KEY, "", -3L), c),
                new DeltaOp.Update(ALL, Row.of(ALL_KEY, "k", 2L), b, bAfter),
                new DeltaOp.Delete(ALL, Row.of(ALL_KEY, "k", 1L), a),
                new DeltaOp.Insert(ALL, Row.of(ALL_KEY, "k", 1L), a));
        return new Vector("all-types", "every field type, nulls, extremes, non-ASCII, delete and re-insert of a key inserted in the batch; codec none",
                new NoneCodec(), Map.of(ALL, List.of(b)), Map.of(ALL, ALL_KEY),
                new DeltaBatch(0xFFFFFFFF, 0, Version.ZERO, new Version(-1L, -1L), ops, digest(3), digest(4)));
    }

    static Vector schemaChange() {
        Row pen = Row.of(ITEM, 7L, "pen", 120L, true, "A1  ");
        Row penV2 = Row.of(ITEM_V2, 7L, "pen", 120L, true, "A1  ", 5L);
        Row mug = Row.of(ITEM_V2, 10L, "mug", 700L, true, "D4  ", 0L);
        Row cup = Row.of(ITEM, 8L, "cup", 300L, false, "B22 ");
        List<DeltaOp> ops = List.of(
                new DeltaOp.Update(ITEMS, Row.of(ITEM_KEY, 7L), pen, penV2),
                new DeltaOp.Insert(ITEMS, Row.of(ITEM_KEY, 10L), mug),
                new DeltaOp.Delete(ITEMS, Row.of(ITEM_KEY, 8L), cup));
        return new Vector("schema-change", "a column added: a replace (v1 row -> v2 row), an insert with v2, a delete of a v1 row; codec none",
                new NoneCodec(), Map.of(ITEMS, List.of(pen, cup)), Map.of(ITEMS, ITEM_KEY),
                new DeltaBatch(2, 7, new Version(5, 5), new Version(6, 0), ops, digest(5), digest(6)));
    }

    static Vector pgbench(Codec codec, String name) {
        PgbenchLikeBatches gen = new PgbenchLikeBatches(20261126, 50);
        Map<TableId, List<Row>> before = new LinkedHashMap<>();
        gen.state.forEach((t, rows) -> before.put(t, new ArrayList<>(rows.values())));
        List<DeltaOp> ops = gen.next(40);
        Map<TableId, RowSchema> keys = Map.of(PgbenchLikeBatches.ACCOUNTS, PgbenchLikeBatches.AID,
                PgbenchLikeBatches.TELLERS, PgbenchLikeBatches.TID, PgbenchLikeBatches.BRANCHES, PgbenchLikeBatches.BID,
                PgbenchLikeBatches.HISTORY, PgbenchLikeBatches.HID);
        return new Vector(name, "10 pgbench-like transactions (account, teller, branch updates + history insert); codec " + codec,
                codec, before, keys, new DeltaBatch(5, 1000, new Version(3, 10), new Version(3, 49), ops, digest(7), digest(8)));
    }

    /** Seals a v1 vector (the vectors under golden/delta-batch-v1). */
    public static byte[] seal(Vector v) {
        return seal(v, BatchLayout.FORMAT_VERSION_1);
    }

    /** Seals a vector in {@code formatVersion}; from v3 with the receiver's keys, so held keys travel as ranks. */
    public static byte[] seal(Vector v, int formatVersion) {
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(v.codec()), formatVersion)) {
            return w.write(v.batch(), false, formatVersion >= BatchLayout.FORMAT_VERSION_3 ? v.lookup() : HeldKeys.NONE);
        }
    }

    /** The v2 vectors: the v1 set sealed as v2, plus one that exercises every v2 integer packing. */
    public static List<Vector> allV2() {
        List<Vector> v = new ArrayList<>(all());
        v.add(packedColumns());
        return v;
    }

    /** The v3 vectors: the v2 set sealed as v3, plus rank-coded integer keys and the spec's string-key example. */
    public static List<Vector> allV3() {
        List<Vector> v = new ArrayList<>(allV2());
        v.add(rankedKeys());
        v.add(stringKeysExample());
        return v;
    }

    static final TableId FRUIT = TableId.of("shop", "fruit");
    static final RowSchema FRUIT_ROW = RowSchema.of(new String[] {"name", "qty"}, new FieldType[] {FieldType.STRING, FieldType.INT64});
    static final RowSchema FRUIT_KEY = RowSchema.of(new String[] {"name"}, new FieldType[] {FieldType.STRING});

    /**
     * The worked example of spec v3 §6: the receiver holds 7 fruits; the batch updates cherry's qty,
     * deletes fig and inserts kiwi. String keys always travel as ranks when held: cherry is rank 2, fig 5.
     */
    static Vector stringKeysExample() {
        List<Row> held = new ArrayList<>();
        String[] names = {"apple", "banana", "cherry", "date", "elder", "fig", "grape"};
        for (int i = 0; i < names.length; i++) {
            held.add(Row.of(FRUIT_ROW, names[i], 10L + i));
        }
        List<DeltaOp> ops = List.of(
                new DeltaOp.Update(FRUIT, Row.of(FRUIT_KEY, "cherry"), held.get(2), Row.of(FRUIT_ROW, "cherry", 5L)),
                new DeltaOp.Delete(FRUIT, Row.of(FRUIT_KEY, "fig"), held.get(5)),
                new DeltaOp.Insert(FRUIT, Row.of(FRUIT_KEY, "kiwi"), Row.of(FRUIT_ROW, "kiwi", 3L)));
        return new Vector("string-keys-example", "spec v3 worked example: update cherry (rank 2), delete fig (rank 5), "
                + "insert kiwi (a key value); codec none", new NoneCodec(), Map.of(FRUIT, held), Map.of(FRUIT, FRUIT_KEY),
                new DeltaBatch(1, 43, new Version(101, 0), new Version(101, 2), ops, digest(3), digest(4)));
    }

    static List<Vector> forVersion(int formatVersion) {
        return formatVersion == BatchLayout.FORMAT_VERSION_1 ? all()
                : formatVersion == BatchLayout.FORMAT_VERSION_2 ? allV2()
                : formatVersion == BatchLayout.FORMAT_VERSION_3 ? allV3() : allV4();
    }

    /**
     * The v4 vectors: the v3 set sealed as v4 (their digests are arbitrary bytes, opaque to the format), plus the
     * spec v4 worked example, whose digests are the true state digests v2 of the receiver before and after.
     */
    public static List<Vector> allV4() {
        List<Vector> v = new ArrayList<>(allV3());
        v.add(digestV2Example());
        return v;
    }

    /**
     * The worked example of spec v4: v3's string-key example (update cherry, delete fig, insert kiwi) as batch 44,
     * carrying the state digests v2 of the receiver's 7 fruits before and of its 7 fruits after.
     */
    static Vector digestV2Example() {
        Vector base = stringKeysExample();
        List<Row> before = base.stateBefore().get(FRUIT);
        java.util.Map<Object, Row> after = new LinkedHashMap<>();
        for (Row r : before) {
            after.put(r.get(0), r);
        }
        for (DeltaOp op : base.batch().ops()) {
            if (op instanceof DeltaOp.Delete) {
                after.remove(op.key().get(0));
            } else {
                after.put(op.key().get(0), op instanceof DeltaOp.Insert i ? i.after() : ((DeltaOp.Update) op).after());
            }
        }
        DeltaBatch b = base.batch();
        return new Vector("digest-v2-example", "spec v4 worked example: the v3 example's ops with the true state digests v2 "
                + "of the receiver before and after; codec none", base.codec(), base.stateBefore(), base.keySchemas(),
                new DeltaBatch(b.shard(), 44, b.firstVersion(), b.lastVersion(), b.ops(),
                        stateDigestV2(FRUIT, FRUIT_KEY, before), stateDigestV2(FRUIT, FRUIT_KEY, new ArrayList<>(after.values()))));
    }

    /** The state digest v2 ({@code schemas/state-digest-v2.md}) of {@code rows} of one table. */
    static byte[] stateDigestV2(TableId table, RowSchema keySchema, List<Row> rows) {
        io.snapdelta.digest.StateDigest d = new io.snapdelta.digest.StateDigest(io.snapdelta.digest.DigestVersion.V2);
        for (Row r : rows) {
            Object[] k = new Object[keySchema.size()];
            for (int i = 0; i < k.length; i++) {
                k[i] = r.get(keySchema.name(i));
            }
            d.add(table, Row.of(keySchema, k), r);
        }
        return d.toBytes();
    }

    /**
     * v3 rank-coded keys: the receiver holds 1,000 ids 16 apart (a shard's share of a dense id space over 16 shards);
     * the batch updates the amount of 30 of them (one shared changed-field bitmap), deletes 2 and inserts 3 new
     * keys (which travel as values); the updates' and deletes' keys travel as ranks among the 1,000 held keys.
     */
    static Vector rankedKeys() {
        java.util.Random r = new java.util.Random(20261127);
        List<Row> held = new ArrayList<>();
        for (long id = 16; id <= 16_000; id += 16) {
            held.add(Row.of(EVENT, id, id % 97, 100L, 1_795_000_000_000_000L + id, 0L));
        }
        List<DeltaOp> ops = new ArrayList<>();
        java.util.Set<Integer> picked = new java.util.TreeSet<>();
        while (picked.size() < 32) {
            picked.add(r.nextInt(held.size()));
        }
        int n = 0;
        for (int i : picked) {
            Row before = held.get(i);
            long id = (Long) before.get(0);
            if (n++ < 2) {
                ops.add(new DeltaOp.Delete(EVENTS, Row.of(EVENT_KEY, id), before));
            } else {
                Row after = Row.of(EVENT, id, before.get(1), 100L + r.nextInt(2001) - 1000, before.get(3), 0L);
                ops.add(new DeltaOp.Update(EVENTS, Row.of(EVENT_KEY, id), before, after));
            }
        }
        for (long id : new long[] {16_001, 777, 3}) {
            ops.add(new DeltaOp.Insert(EVENTS, Row.of(EVENT_KEY, id), Row.of(EVENT, id, 5L, 0L, 1_795_000_000_000_000L, 1L)));
        }
        return new Vector("ranked-keys", "v3 rank-coded keys: 30 updates and 2 deletes of held keys as ranks among 1,000 "
                + "held keys, 3 inserts as key values, one shared changed-field bitmap; sorted section; codec none",
                new NoneCodec(), Map.of(EVENTS, held), Map.of(EVENTS, EVENT_KEY),
                new DeltaBatch(11, 42, new Version(95_400_000L, 1), new Version(95_400_900L, 0), ops, digest(11), digest(12)));
    }

    static final TableId EVENTS = TableId.of("app", "events");
    static final RowSchema EVENT = RowSchema.of(new String[] {"id", "user_id", "amount", "at", "wide"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.INT64, FieldType.TIMESTAMP_MICROS, FieldType.INT64});
    static final RowSchema EVENT_KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});

    /**
     * v2 integer packings: 40 inserts given in unsorted key order (the section travels sorted, keys as
     * RICE gaps), uniformly spread user ids and amounts (RANGE), increasing timestamps (DELTA_PREV + RICE),
     * a column spanning the whole int64 range (VARINT); then 8 updates of held rows' amount (DELTA_OLD).
     */
    static Vector packedColumns() {
        java.util.Random r = new java.util.Random(20261126);
        List<Row> held = new ArrayList<>();
        List<DeltaOp> ops = new ArrayList<>();
        long at = 1_795_000_000_000_000L;
        for (int i = 0; i < 40; i++) {
            long id = 1000 + 37L * ((i * 17) % 40) + r.nextInt(30);
            at += 1 + r.nextInt(5000);
            long wide = i % 2 == 0 ? Long.MIN_VALUE + i : Long.MAX_VALUE - i;
            Row row = Row.of(EVENT, id, (long) r.nextInt(100_000), (long) (r.nextInt(10_001) - 5000), at, wide);
            ops.add(new DeltaOp.Insert(EVENTS, Row.of(EVENT_KEY, id), row));
        }
        for (int i = 0; i < 8; i++) {
            long id = 10L + 3 * i;
            Row before = Row.of(EVENT, id, 7L, 1000L + i, at, 0L);
            Row after = Row.of(EVENT, id, 7L, 1000L + i + r.nextInt(2001) - 1000, at, 0L);
            held.add(before);
            ops.add(new DeltaOp.Update(EVENTS, Row.of(EVENT_KEY, id), before, after));
        }
        return new Vector("packed-columns", "v2 integer packings: RICE key gaps, RANGE ids and amounts, DELTA_PREV+RICE "
                + "timestamps, VARINT full-range column, DELTA_OLD updates; sorted section; codec none",
                new NoneCodec(), Map.of(EVENTS, held), Map.of(EVENTS, EVENT_KEY),
                new DeltaBatch(4, 123_456, new Version(95_303_536L, 2), new Version(95_304_056L, 0), ops, digest(9), digest(10)));
    }

    /** The readable rendering stored beside each vector (compared by the golden test, so it cannot drift). */
    public static String describe(Vector v, byte[] sealed) {
        StringBuilder sb = new StringBuilder();
        DeltaBatch b = v.batch();
        HexFormat hex = HexFormat.of();
        sb.append("# ").append(v.name()).append(": ").append(v.description()).append('\n');
        sb.append("shard ").append(Integer.toUnsignedString(b.shard())).append('\n');
        sb.append("sequence ").append(b.sequence()).append('\n');
        sb.append("versions ").append(b.firstVersion()).append(" .. ").append(b.lastVersion()).append('\n');
        sb.append("digest_before ").append(hex.formatHex(b.digestBefore())).append('\n');
        sb.append("digest_after ").append(hex.formatHex(b.digestAfter())).append('\n');
        sb.append("codec ").append(v.codec()).append('\n');
        sb.append("sealed_length ").append(sealed.length).append('\n');
        sb.append("## receiver state before\n");
        v.stateBefore().keySet().stream().sorted().forEach(t -> {
            // Sorted text: state maps iterate in hash order, which varies between JVM runs.
            v.stateBefore().get(t).stream().map(r -> t + " " + r).sorted().forEach(line -> sb.append(line).append('\n'));
        });
        sb.append("## ops\n");
        for (DeltaOp op : b.ops()) {
            if (op instanceof DeltaOp.Insert i) {
                sb.append("insert ").append(op.table()).append(" key ").append(op.key()).append(" after ").append(i.after());
            } else if (op instanceof DeltaOp.Update u) {
                sb.append("update ").append(op.table()).append(" key ").append(op.key()).append(" before ").append(u.before())
                        .append(" after ").append(u.after());
            } else {
                sb.append("delete ").append(op.table()).append(" key ").append(op.key()).append(" before ")
                        .append(((DeltaOp.Delete) op).before());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public static void write(Path dir) throws Exception {
        write(dir, BatchLayout.FORMAT_VERSION_1);
    }

    /** Writes the vectors of {@code formatVersion} to {@code dir}, and their fuzz seeds. */
    public static void write(Path dir, int formatVersion) throws Exception {
        Files.createDirectories(dir);
        boolean v2 = formatVersion >= BatchLayout.FORMAT_VERSION_2;
        for (Vector v : forVersion(formatVersion)) {
            byte[] sealed = seal(v, formatVersion);
            Files.write(dir.resolve(v.name() + ".bin"), sealed);
            Files.writeString(dir.resolve(v.name() + ".txt"), describe(v, sealed), StandardCharsets.UTF_8);
            // Seeds for the fuzz test: the vector as sealed bytes, and (uncompressed ones) as a body.
            Path fuzz = dir.getParent().getParent().resolve("io/snapdelta/format/DeltaBatchFuzzTestInputs");
            Path sealedSeeds = Files.createDirectories(fuzz.resolve("arbitrarySealedBytesOnlyRaiseCorruptBatchException"));
            Files.write(sealedSeeds.resolve((v2 ? "seed-v" + formatVersion + "-" : "seed-") + v.name()), sealed);
            if (v.codec().id() == io.snapdelta.codec.CodecId.NONE) {
                if (v2) {
                    Path bodySeeds = Files.createDirectories(fuzz.resolve("arbitraryV" + formatVersion
                            + "BodyBehindValidHeaderOnlyRaisesCorruptBatchException"));
                    int ins = 0;
                    int upd = 0;
                    int del = 0;
                    for (DeltaOp op : v.batch().ops()) {
                        if (op instanceof DeltaOp.Insert) {
                            ins++;
                        } else if (op instanceof DeltaOp.Update) {
                            upd++;
                        } else {
                            del++;
                        }
                    }
                    Files.write(bodySeeds.resolve("seed-" + v.name()), FuzzTargets.bodySeedV2(sealed, ins, upd, del));
                } else {
                    Path bodySeeds = Files.createDirectories(fuzz.resolve("arbitraryBodyBehindValidHeaderOnlyRaisesCorruptBatchException"));
                    Files.write(bodySeeds.resolve("seed-" + v.name()), FuzzTargets.bodySeed(sealed));
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        write(Path.of(args.length > 0 ? args[0] : "common/src/test/resources/golden/delta-batch-v1"));
    }
}
