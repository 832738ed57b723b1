package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.ChangeEvent;
import io.snapdelta.model.ChangeOp;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Replaying what a shard emits onto an empty replica always gives the state (and digest) that applying
 * the raw events with last-version-wins gives, whatever the mix of duplicates, stale versions, deletes,
 * re-inserts, no-ops and batch sizes; for both the coalesced and the stream-ordered bodies.
 */
class ShardDeltaStateReplayPropertyTest {
    private static final TableId[] TABLES = {TableId.of("public", "a"), TableId.of("public", "b")};

    @Property(tries = 200)
    void replayingEmittedOpsEqualsLastVersionWins(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
                                                  @ForAll @IntRange(min = 1, max = 40) int batch,
                                                  @ForAll @IntRange(min = 1, max = 30) int keys,
                                                  @ForAll @IntRange(min = 0, max = 400) int count) {
        Random rnd = new Random(seed);
        // Versions: mostly increasing, with duplicates (same version = same event) and stale replays.
        List<ChangeEvent> produced = new ArrayList<>();
        List<ChangeEvent> stream = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int r = rnd.nextInt(10);
            if (r == 0 && !produced.isEmpty()) {
                stream.add(produced.get(rnd.nextInt(produced.size()))); // duplicate or stale replay
                continue;
            }
            TableId t = TABLES[rnd.nextInt(TABLES.length)];
            long id = rnd.nextInt(keys);
            long version = i + 1;
            ChangeEvent e;
            if (r <= 2) {
                e = new ChangeEvent(t, ShardDeltaStateTest.key(id), ChangeOp.DELETE, new Version(0, version), null, null, version);
            } else {
                Row after = ShardDeltaStateTest.row(id, rnd.nextInt(3), rnd.nextInt(4) == 0 ? null : "s" + rnd.nextInt(3));
                ChangeOp op = r <= 5 ? ChangeOp.UPDATE : r <= 8 ? ChangeOp.INSERT : ChangeOp.SNAPSHOT_READ;
                e = new ChangeEvent(t, ShardDeltaStateTest.key(id), op, new Version(0, version), null, after, version);
            }
            produced.add(e);
            stream.add(e);
        }

        Map<TableKey, ChangeEvent> winners = new HashMap<>();
        for (ChangeEvent e : stream) {
            TableKey tk = new TableKey(e.table(), e.key());
            ChangeEvent w = winners.get(tk);
            if (w == null || e.version().isAfter(w.version())) {
                winners.put(tk, e);
            }
        }
        Map<TableKey, Row> expected = new HashMap<>();
        winners.forEach((tk, e) -> {
            if (e.after() != null) {
                expected.put(tk, e.after());
            }
        });
        StateDigest expectedDigest = new StateDigest(ShardDeltaState.CURRENT_DIGEST_VERSION);
        expected.forEach((tk, r) -> expectedDigest.add(tk.table(), tk.key(), r));

        ShardDeltaState shard = new ShardDeltaState(0, new InMemoryShardStateStore(), batch, Duration.ofDays(365));
        ReplicaShardState coalesced = new ReplicaShardState();
        ReplicaShardState ordered = new ReplicaShardState();
        long expectedSequence = 0;
        for (ChangeEvent e : stream) {
            ShardBatch b = shard.apply(e);
            if (b != null) {
                assertEquals(expectedSequence++, b.sequence());
                assertEquals(coalesced.digest(), b.digestBefore());
                coalesced.applyAll(b.coalescedOps());
                ordered.applyAll(b.streamOrderedOps());
                assertEquals(b.digestAfter(), coalesced.digest());
                assertEquals(b.digestAfter(), ordered.digest());
            }
        }
        ShardBatch last = shard.seal();
        if (last != null) {
            coalesced.applyAll(last.coalescedOps());
            ordered.applyAll(last.streamOrderedOps());
        }
        assertEquals(expected, coalesced.rows());
        assertEquals(expected, ordered.rows());
        assertEquals(expectedDigest, coalesced.digest());
        assertEquals(expectedDigest, shard.digest());
        assertEquals(expectedDigest, coalesced.recomputeDigest());
        ShardCounters c = shard.counters();
        assertEquals(stream.size(), c.sourceChanges);
        assertEquals(c.sourceChanges, c.duplicatesDropped + c.staleDropped + c.noopUpdates + c.deletesOfAbsentKeys + c.appliedChanges);
        assertEquals(c.appliedChanges, c.coalescedOps() + c.coalescedChanges);
        assertEquals(c.appliedChanges, c.streamOrderedOps);
    }
}
