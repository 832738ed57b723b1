package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardDeltaStateTest {
    static final TableId T = TableId.of("public", "t");
    static final TableId U = TableId.of("public", "u");
    static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    static final RowSchema ROW = RowSchema.of(new String[] {"id", "a", "b"},
            new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.STRING});
    private static final long SECOND = 1_000_000L;

    static Row key(long id) {
        return Row.of(KEY, id);
    }

    static Row row(long id, long a, String b) {
        return Row.of(ROW, id, a, b);
    }

    static ChangeEvent ev(TableId t, ChangeOp op, long id, long version, Row after) {
        return new ChangeEvent(t, key(id), op, new Version(0, version), null, after, version * SECOND);
    }

    static ChangeEvent ins(long id, long v, long a, String b) {
        return ev(T, ChangeOp.INSERT, id, v, row(id, a, b));
    }

    static ChangeEvent upd(long id, long v, long a, String b) {
        return ev(T, ChangeOp.UPDATE, id, v, row(id, a, b));
    }

    static ChangeEvent del(long id, long v) {
        return ev(T, ChangeOp.DELETE, id, v, null);
    }

    private static ShardDeltaState state(int batch) {
        return new ShardDeltaState(3, new InMemoryShardStateStore(), batch, Duration.ofHours(1));
    }

    private static ShardBatch sealOne(ShardDeltaState s, ChangeEvent... events) {
        for (ChangeEvent e : events) {
            assertNull(s.apply(e), "batch must not seal early");
        }
        return s.seal();
    }

    /**
     * The coalesced body is in {@link TableKey#ORDER} whatever order the keys came in: several tables (given in
     * reverse table order), random integer keys including negatives and extremes, keys touched several times,
     * a null key, a table with string keys and a second key schema of one table (the sort's fallbacks), and a
     * batch already in order.
     */
    @Test
    void coalescedOpsAreInTableKeyOrderForEveryKeyShape() {
        RowSchema strKey = RowSchema.of(new String[] {"code"}, new FieldType[] {FieldType.STRING});
        RowSchema strRow = RowSchema.of(new String[] {"code", "a", "b"}, new FieldType[] {FieldType.STRING, FieldType.INT64, FieldType.STRING});
        RowSchema otherKey = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
        RowSchema otherRow = RowSchema.of(new String[] {"aid", "a", "b"}, new FieldType[] {FieldType.INT64, FieldType.INT64, FieldType.STRING});
        TableId s1 = TableId.of("public", "s");
        java.util.Random random = new java.util.Random(11);
        for (int shape = 0; shape < 4; shape++) {
            ShardDeltaState s = state(Integer.MAX_VALUE);
            long v = 1;
            for (int i = 0; i < 600; i++) {
                TableId t = random.nextBoolean() ? U : T;
                long id = switch (random.nextInt(8)) {
                    case 0 -> Long.MIN_VALUE + random.nextInt(3);
                    case 1 -> Long.MAX_VALUE - random.nextInt(3);
                    default -> random.nextInt(200) - 100;
                };
                s.apply(new ChangeEvent(t, key(id), ChangeOp.UPDATE, new Version(0, v++), null, row(id, i, "x"), v * SECOND));
            }
            if (shape == 1) {
                s.apply(new ChangeEvent(T, Row.of(KEY, (Object) null), ChangeOp.INSERT, new Version(0, v++), null,
                        Row.of(ROW, null, 1L, "n"), v * SECOND));
            } else if (shape == 2) {
                for (int i = 0; i < 50; i++) {
                    String code = Integer.toString(random.nextInt(1000));
                    s.apply(new ChangeEvent(s1, Row.of(strKey, code), ChangeOp.INSERT, new Version(0, v++), null,
                            Row.of(strRow, code, 1L, "s"), v * SECOND));
                }
            } else if (shape == 3) {
                for (int i = 0; i < 50; i++) {
                    long id = random.nextInt(200) - 100;
                    s.apply(new ChangeEvent(T, Row.of(otherKey, id), ChangeOp.INSERT, new Version(0, v++), null,
                            Row.of(otherRow, id, 1L, "o"), v * SECOND));
                }
            }
            List<DeltaOp> ops = s.seal().coalescedOps();
            for (int i = 1; i < ops.size(); i++) {
                // <= : two key schemas of one table with equal values are equal in the order (shape 3).
                assertTrue(TableKey.ORDER.compare(new TableKey(ops.get(i - 1).table(), ops.get(i - 1).key()),
                        new TableKey(ops.get(i).table(), ops.get(i).key())) <= 0,
                        "shape " + shape + ", op " + i + ": " + ops.get(i - 1) + " before " + ops.get(i));
            }
            assertTrue(ops.size() > 100, "shape " + shape);
            // Sealed again in order: the next batch touches the same keys in the order just sealed.
            for (DeltaOp op : ops) {
                Row after = op instanceof DeltaOp.Insert ins ? ins.after() : ((DeltaOp.Update) op).after();
                s.apply(new ChangeEvent(op.table(), op.key(), ChangeOp.DELETE, new Version(0, v++), after, null, v * SECOND));
            }
            List<DeltaOp> deletes = s.seal().coalescedOps();
            assertEquals(ops.size(), deletes.size());
            for (int i = 0; i < ops.size(); i++) {
                assertEquals(ops.get(i).key(), deletes.get(i).key());
            }
        }
    }

    @Test
    void duplicateVersionIsDroppedAndCounted() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, ins(1, 5, 10, "x"), upd(1, 5, 99, "dup"));
        assertEquals(List.of(new DeltaOp.Insert(T, key(1), row(1, 10, "x"))), b.coalescedOps());
        assertEquals(1, s.counters().duplicatesDropped);
        assertEquals(0, s.counters().staleDropped);
    }

    @Test
    void staleVersionIsDroppedAndCounted() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, upd(1, 7, 10, "new"), upd(1, 6, 20, "old"));
        assertEquals(List.of(new DeltaOp.Insert(T, key(1), row(1, 10, "new"))), b.coalescedOps());
        assertEquals(1, s.counters().staleDropped);
        assertEquals(0, s.counters().duplicatesDropped);
    }

    @Test
    void staleEventAfterDeleteIsDroppedThanksToTheTombstone() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, del(1, 3), upd(1, 2, 11, "late"));
        assertEquals(List.of(new DeltaOp.Delete(T, key(1), row(1, 10, "x"))), b.coalescedOps());
        assertEquals(1, s.counters().staleDropped);
        assertEquals(1, s.store().tombstoneCount());
        assertEquals(0, s.store().liveCount());
    }

    @Test
    void tombstoneIsCleanedAfterRetentionAndNotBefore() {
        ShardDeltaState s = new ShardDeltaState(0, new InMemoryShardStateStore(), 100, Duration.ofSeconds(10));
        sealOne(s, ins(1, 1, 10, "x"), del(1, 2));
        s.apply(ins(2, 11, 1, "y")); // source time 11 s: delete at 2 s is 9 s old
        assertEquals(0, s.purgeExpiredTombstones());
        assertEquals(1, s.store().tombstoneCount());
        s.apply(ins(3, 13, 1, "z")); // 11 s after the delete
        assertEquals(1, s.purgeExpiredTombstones());
        assertEquals(0, s.store().tombstoneCount());
        assertEquals(1, s.counters().tombstonesPurged);
    }

    /**
     * The heap store marks the open batch's keys in its slots; a tombstone purged within the batch takes its
     * slot along, and the key, inserted again, is still the batch's one key (one net insert, not two ops).
     */
    @Test
    void keyWhoseTombstoneIsPurgedWithinTheBatchStaysOneKeyOfTheBatch() {
        ShardDeltaState s = new ShardDeltaState(0, new InMemoryShardStateStore(), 100, Duration.ofSeconds(10));
        assertNull(s.apply(upd(2, 1, 1, "y")));
        assertNull(s.apply(ins(1, 2, 10, "x")));
        assertNull(s.apply(del(1, 3)));
        assertNull(s.apply(ins(3, 14, 1, "z"))); // 11 s after the delete
        assertEquals(1, s.purgeExpiredTombstones());
        assertNull(s.apply(ins(1, 15, 20, "x2")));
        assertNull(s.apply(upd(2, 16, 2, "y")));
        ShardBatch b = s.seal();
        assertEquals(List.of(new DeltaOp.Insert(T, key(1), row(1, 20, "x2")), new DeltaOp.Insert(T, key(2), row(2, 2, "y")),
                new DeltaOp.Insert(T, key(3), row(3, 1, "z"))), b.coalescedOps());
        assertEquals(scratchDigest(s.store()), b.digestAfter());
        assertEquals(List.of(new DeltaOp.Update(T, key(2), row(2, 2, "y"), row(2, 3, "y"))),
                sealOne(s, upd(2, 17, 3, "y")).coalescedOps(), "the next batch marks its keys again");
    }

    /** A batch of more keys than the heap store's marks can number finds the later keys in a set of its own. */
    @Test
    void batchOfMoreKeysThanMarksCanNumberStillCoalescesEveryKey() {
        ShardDeltaState s = state(Integer.MAX_VALUE);
        s.markableKeys = 3;
        for (long id = 1; id <= 6; id++) {
            assertNull(s.apply(ins(id, id, 0, "a")));
        }
        for (long id = 1; id <= 6; id++) {
            assertNull(s.apply(upd(id, 10 + id, 1, "b")));
        }
        ShardBatch b = s.seal();
        assertEquals(6, b.coalescedOps().size());
        for (int i = 0; i < 6; i++) {
            assertEquals(new DeltaOp.Insert(T, key(i + 1), row(i + 1, 1, "b")), b.coalescedOps().get(i));
        }
        assertEquals(scratchDigest(s.store()), b.digestAfter());
        assertEquals(List.of(new DeltaOp.Update(T, key(5), row(5, 1, "b"), row(5, 3, "b"))),
                sealOne(s, upd(5, 20, 2, "b"), upd(5, 21, 3, "b")).coalescedOps(), "the next batch marks its keys again");
    }

    @Test
    void tombstonesAreCleanedAutomaticallyWhenSealingAfterARetentionPeriod() {
        ShardDeltaState s = new ShardDeltaState(0, new InMemoryShardStateStore(), 1, Duration.ofSeconds(10));
        s.apply(ins(1, 1, 10, "x"));
        s.apply(del(1, 2));
        assertEquals(1, s.store().tombstoneCount());
        for (long v = 3; v <= 40; v++) {
            s.apply(ins(100 + v, v, 0, "f"));
        }
        assertEquals(0, s.store().tombstoneCount());
    }

    @Test
    void updateThatChangesNothingIsACountedNoOpAndDoesNotTravel() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        StateDigest before = s.digest();
        ShardBatch b = sealOne(s, upd(1, 2, 10, "x"));
        assertTrue(b.coalescedOps().isEmpty());
        assertTrue(b.streamOrderedOps().isEmpty());
        assertEquals(1, s.counters().noopUpdates);
        assertEquals(before, b.digestAfter());
        assertEquals(new Version(0, 2), b.lastVersion(), "the no-op still advances the covered version range");
    }

    @Test
    void noOpUpdateStillAdvancesTheStoredVersion() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"), upd(1, 5, 10, "x"));
        assertNull(sealOne(s, upd(1, 4, 77, "stale")), "only a stale event: nothing to emit");
        assertEquals(1, s.counters().staleDropped);
    }

    @Test
    void insertThenDeleteInOneBatchTravelsAsNothing() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, ins(1, 1, 10, "x"), del(1, 2));
        assertTrue(b.coalescedOps().isEmpty());
        assertEquals(2, b.streamOrderedOps().size());
        assertEquals(2, s.counters().coalescedChanges);
    }

    @Test
    void insertThenUpdateInOneBatchTravelsAsOneInsertOfTheFinalRow() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, ins(1, 1, 10, "x"), upd(1, 2, 11, "y"));
        assertEquals(List.of(new DeltaOp.Insert(T, key(1), row(1, 11, "y"))), b.coalescedOps());
        assertEquals(1, s.counters().coalescedChanges);
    }

    @Test
    void updateThenUpdateTravelsAsOneUpdateFromBatchStartToFinalValues() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, upd(1, 2, 11, "x"), upd(1, 3, 11, "y"));
        assertEquals(List.of(new DeltaOp.Update(T, key(1), row(1, 10, "x"), row(1, 11, "y"))), b.coalescedOps());
        assertEquals(List.of(new DeltaOp.Update(T, key(1), row(1, 10, "x"), row(1, 11, "x")),
                new DeltaOp.Update(T, key(1), row(1, 11, "x"), row(1, 11, "y"))), b.streamOrderedOps());
    }

    @Test
    void updateThatIsRevertedInTheSameBatchTravelsAsNothing() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, upd(1, 2, 11, "x"), upd(1, 3, 10, "x"));
        assertTrue(b.coalescedOps().isEmpty());
        assertEquals(b.digestBefore(), b.digestAfter());
    }

    @Test
    void deleteThenInsertOfAnExistingKeyTravelsAsAnUpdate() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, del(1, 2), ins(1, 3, 12, "x"));
        assertEquals(List.of(new DeltaOp.Update(T, key(1), row(1, 10, "x"), row(1, 12, "x"))), b.coalescedOps());
    }

    @Test
    void deleteThenReinsertOfTheSameRowTravelsAsNothing() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, del(1, 2), ins(1, 3, 10, "x"));
        assertTrue(b.coalescedOps().isEmpty());
    }

    @Test
    void deleteOfAnAbsentKeyTravelsAsNothingButLeavesATombstone() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, del(1, 5), ins(1, 4, 1, "stale"));
        assertTrue(b.coalescedOps().isEmpty());
        assertEquals(1, s.counters().deletesOfAbsentKeys);
        assertEquals(1, s.counters().staleDropped);
    }

    @Test
    void deleteThenInsertOfAKeyAbsentAtBatchStartTravelsAsAnInsert() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, ins(1, 1, 10, "x"), del(1, 2), ins(1, 3, 5, "z"));
        assertEquals(List.of(new DeltaOp.Insert(T, key(1), row(1, 5, "z"))), b.coalescedOps());
    }

    @Test
    void snapshotReadOfAHeldRowIsAnUpsert() {
        ShardDeltaState s = state(100);
        sealOne(s, ins(1, 1, 10, "x"));
        ShardBatch b = sealOne(s, ev(T, ChangeOp.SNAPSHOT_READ, 1, 2, row(1, 10, "changed")));
        assertEquals(List.of(new DeltaOp.Update(T, key(1), row(1, 10, "x"), row(1, 10, "changed"))), b.coalescedOps());
        assertEquals(1, s.counters().snapshotReads);
    }

    @Test
    void coalescedOpsAreSortedByTableThenKeyWhateverTheArrivalOrder() {
        ShardDeltaState s = state(100);
        ShardBatch b = sealOne(s, ev(U, ChangeOp.INSERT, 1, 1, row(1, 0, "u")), ins(20, 2, 0, "t"), ins(-3, 3, 0, "t"),
                ins(5, 4, 0, "t"));
        List<String> order = b.coalescedOps().stream().map(op -> op.table().name() + op.key().get(0)).toList();
        assertEquals(List.of("t-3", "t5", "t20", "u1"), order);
        List<String> stream = b.streamOrderedOps().stream().map(op -> op.table().name() + op.key().get(0)).toList();
        assertEquals(List.of("u1", "t20", "t-3", "t5"), stream);
    }

    @Test
    void batchSealsAfterTheConfiguredNumberOfSourceChangesIncludingDroppedOnes() {
        ShardDeltaState s = state(3);
        assertNull(s.apply(ins(1, 1, 1, "a")));
        assertNull(s.apply(ins(1, 1, 1, "a"))); // duplicate still counts as a source change
        ShardBatch b = s.apply(ins(2, 2, 1, "b"));
        assertNotNull(b);
        assertEquals(3, b.sourceChanges());
        assertEquals(0, b.sequence());
        assertEquals(new Version(0, 1), b.firstVersion());
        assertEquals(new Version(0, 2), b.lastVersion());
        assertNull(s.apply(ins(3, 3, 1, "c")));
        ShardBatch last = s.seal();
        assertEquals(1, last.sequence());
        assertEquals(1, last.sourceChanges());
        assertNull(s.seal(), "nothing is open after an explicit seal");
    }

    @Test
    void digestsChainFromBatchToBatchAndMatchTheStateRecomputedFromScratch() {
        ShardDeltaState s = state(2);
        ShardBatch b0 = s.apply(ins(1, 1, 1, "a"));
        b0 = b0 != null ? b0 : s.apply(ins(2, 2, 2, "b"));
        ShardBatch b1 = sealOne(s, upd(1, 3, 5, "a"));
        assertTrue(b0.digestBefore().isEmptyStateDigest());
        assertEquals(b0.digestAfter(), b1.digestBefore());
        StateDigest scratch = new StateDigest(ShardDeltaState.CURRENT_DIGEST_VERSION);
        s.store().forEachLive((k, r) -> scratch.add(k.table(), k.key(), r));
        assertEquals(scratch, b1.digestAfter());
    }

    @Test
    void replicaReplayingCoalescedOrStreamOrderedOpsReachesTheSameStateAndDigest() {
        ShardDeltaState s = state(4);
        ReplicaShardState coalesced = new ReplicaShardState();
        ReplicaShardState streamed = new ReplicaShardState();
        ChangeEvent[] events = {ins(1, 1, 1, "a"), ins(2, 2, 2, "b"), upd(1, 3, 3, "a"), del(2, 4), ins(2, 5, 9, "c"),
            upd(1, 6, 3, "z"), del(1, 7), ins(3, 8, 1, "q")};
        for (ChangeEvent e : events) {
            ShardBatch b = s.apply(e);
            if (b != null) {
                coalesced.applyAll(b.coalescedOps());
                streamed.applyAll(b.streamOrderedOps());
                assertEquals(b.digestAfter(), coalesced.digest());
            }
        }
        ShardBatch last = s.seal();
        if (last != null) {
            coalesced.applyAll(last.coalescedOps());
            streamed.applyAll(last.streamOrderedOps());
        }
        assertEquals(s.digest(), coalesced.digest());
        assertEquals(s.digest(), streamed.digest());
        assertEquals(coalesced.rows(), streamed.rows());
        assertEquals(2, coalesced.size());
    }

    /**
     * A key changed again within its batch is hashed once, when the batch seals or the digest is read: the
     * digest and every stored entry's cached hash are then those of the final rows, through updates, a no-op,
     * a delete and a re-insert of the same key, whether or not the digest was read in between.
     */
    @Test
    void keysChangedSeveralTimesInABatchLeaveTheDigestAndCachedHashesOfTheirFinalRows() {
        ChangeEvent[] events = {ins(1, 1, 1, "a"), ins(2, 2, 2, "b"), upd(1, 3, 3, "a"), upd(1, 4, 4, "a"),
            upd(1, 5, 4, "a"), upd(2, 6, 5, "b"), del(2, 7), ins(2, 8, 6, "c"), upd(2, 9, 7, "c"), del(1, 10),
            ins(3, 11, 1, "x"), upd(3, 12, 2, "x"), upd(3, 13, 2, "x")};
        for (int readDigestAt = -1; readDigestAt < events.length; readDigestAt++) {
            ShardDeltaState s = state(Integer.MAX_VALUE);
            ShardBatch first = sealOne(s, ins(1, 0, 0, "start"), ins(3, 0, 0, "start"));
            assertNotNull(first);
            for (int i = 0; i < events.length; i++) {
                assertNull(s.apply(events[i]));
                if (i == readDigestAt) {
                    assertEquals(scratchDigest(s.store()), s.digest(), "digest read after event " + i);
                }
            }
            ShardBatch b = s.seal();
            assertEquals(first.digestAfter(), b.digestBefore());
            assertEquals(scratchDigest(s.store()), b.digestAfter(), "digest read after event " + readDigestAt);
            assertEquals(2, s.counters().noopUpdates, "upd(1, 5) and upd(3, 13) change nothing");
            io.snapdelta.digest.RowHasher hasher = new io.snapdelta.digest.RowHasher(s.digestVersion());
            s.store().forEachLive((k, r) -> {
                long[] lanes = new long[StateDigest.LANES];
                hasher.hashEntry(k.table(), k.key(), r, lanes);
                assertTrue(s.store().get(k.table(), k.key()).entryHashEquals(lanes), "cached hash of " + k);
            });
            assertEquals(2, s.store().liveCount());
        }
    }

    private static StateDigest scratchDigest(ShardStateStore store) {
        StateDigest scratch = new StateDigest(ShardDeltaState.CURRENT_DIGEST_VERSION);
        store.forEachLive((k, r) -> scratch.add(k.table(), k.key(), r));
        return scratch;
    }

    @Test
    void storeThatDropsCachedHashesGivesTheSameDigests() {
        InMemoryShardStateStore inner = new InMemoryShardStateStore();
        ShardStateStore forgetful = new ShardStateStore() {
            @Override
            public StoredEntry get(TableId table, Row key) {
                return inner.get(table, key);
            }

            @Override
            public void put(TableId table, Row key, StoredEntry e) {
                inner.put(table, key, new StoredEntry(e.version(), e.row(), e.deletedAtMicros(), null));
            }

            @Override
            public void delete(TableId table, Row key) {
                inner.delete(table, key);
            }

            @Override
            public int purgeTombstonesBefore(long olderThanMicros) {
                return inner.purgeTombstonesBefore(olderThanMicros);
            }

            @Override
            public void forEachLive(java.util.function.BiConsumer<TableKey, Row> visitor) {
                inner.forEachLive(visitor);
            }

            @Override
            public long liveCount() {
                return inner.liveCount();
            }

            @Override
            public long tombstoneCount() {
                return inner.tombstoneCount();
            }
        };
        ShardDeltaState caching = state(3);
        ShardDeltaState recomputing = new ShardDeltaState(3, forgetful, 3, Duration.ofHours(1));
        ChangeEvent[] events = {ins(1, 1, 1, "a"), upd(1, 2, 2, "a"), upd(1, 3, 2, "a"), del(1, 4), ins(2, 5, 1, "b"), upd(2, 6, 7, "c")};
        for (ChangeEvent e : events) {
            ShardBatch a = caching.apply(e);
            ShardBatch b = recomputing.apply(e);
            assertEquals(a, b);
            assertEquals(caching.digest(), recomputing.digest());
        }
        StateDigest scratch = new StateDigest(ShardDeltaState.CURRENT_DIGEST_VERSION);
        inner.forEachLive((k, r) -> scratch.add(k.table(), k.key(), r));
        assertEquals(scratch, recomputing.digest());
    }

    @Test
    void batchOfOnlyDroppedEventsIsNotEmittedAndConsumesNoSequence() {
        ShardDeltaState s = state(2);
        assertNull(s.apply(ins(1, 5, 1, "a")));
        assertNotNull(s.apply(ins(2, 6, 1, "b")));
        assertNull(s.apply(ins(1, 5, 1, "a")));
        assertNull(s.apply(ins(2, 4, 1, "old")), "a full batch of dropped events is not emitted");
        ShardBatch next = sealOne(s, ins(3, 7, 1, "c"));
        assertEquals(1, next.sequence());
        assertEquals(4, s.counters().sourceChanges - 1);
    }
}
