package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link DeltaBatchWriter#shareSectionWrites}: two bodies of one batch sealed one after the other, as the body
 * probe seals them, give the same bytes with shared section writes as without, and sections are copied only
 * when their ops are the same objects in the same order against the same receiver keys.
 */
class SharedSectionWritesTest {
    private static final byte[] DIGEST = new byte[StateDigest.BYTES];

    private record Sealed(byte[] first, byte[] second, long copied) {
    }

    /** Seals {@code first} then {@code second} from the same stream state, both at both layouts. */
    private static Sealed seal(boolean share, List<DeltaOp> first, HeldKeys firstHeld, List<DeltaOp> second, HeldKeys secondHeld) {
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new ZstdCodec(3)))) {
            Set<Long> emitted = w.emittedSchemaIds();
            DeltaBatchWriter.LayoutState layout = w.layoutState();
            w.shareSectionWrites(share);
            byte[] a = w.write(batch(first), true, firstHeld);
            w.restoreEmittedSchemaIds(emitted);
            w.restoreLayoutState(layout);
            byte[] b = w.write(batch(second), true, secondHeld);
            w.shareSectionWrites(false);
            return new Sealed(a, b, w.sectionsCopied());
        }
    }

    private static DeltaBatch batch(List<DeltaOp> ops) {
        return new DeltaBatch(3, 7, new Version(5, 1), new Version(9, 2), ops, DIGEST, DIGEST);
    }

    private static HeldKeys heldOf(PgbenchLikeBatches g) {
        Map<TableId, HeldKeyIndex> indexes = new HashMap<>();
        g.state.forEach((table, rows) -> indexes.put(table, HeldKeyIndex.of(new ArrayList<>(rows.keySet()))));
        return indexes::get;
    }

    /** The ops with the tellers' updates but the last one dropped: that section differs, the others are the same objects. */
    private static List<DeltaOp> withFewerTellerOps(List<DeltaOp> ops) {
        List<DeltaOp> out = new ArrayList<>();
        DeltaOp lastTeller = null;
        for (DeltaOp op : ops) {
            if (op.table().equals(PgbenchLikeBatches.TELLERS)) {
                lastTeller = op;
            } else {
                out.add(op);
            }
        }
        out.add(lastTeller);
        return out;
    }

    @Test
    void aSecondBodySharingOpObjectsSealsToTheSameBytesAndCopiesTheEqualSections() {
        PgbenchLikeBatches g = new PgbenchLikeBatches(11, 5_000);
        HeldKeys held = heldOf(g);
        List<DeltaOp> stream = g.next(400);
        List<DeltaOp> other = withFewerTellerOps(stream);

        Sealed plain = seal(false, stream, held, other, held);
        Sealed shared = seal(true, stream, held, other, held);
        assertArrayEquals(plain.first(), shared.first());
        assertArrayEquals(plain.second(), shared.second());
        assertEquals(0, plain.copied());
        // accounts, branches and history are the same ops in both bodies, at both layouts
        assertTrue(shared.copied() >= 3, "sections copied: " + shared.copied());
    }

    @Test
    void otherReceiverKeysOrOtherOpObjectsAreNotCopied() {
        PgbenchLikeBatches g = new PgbenchLikeBatches(12, 5_000);
        HeldKeys held = heldOf(g);
        HeldKeys heldAgain = heldOf(g); // equal keys, another object: ranks are not assumed equal
        List<DeltaOp> stream = g.next(400);
        List<DeltaOp> copies = new ArrayList<>();
        for (DeltaOp op : stream) {
            copies.add(op instanceof DeltaOp.Update u ? new DeltaOp.Update(u.table(), u.key(), u.before(), u.after())
                    : new DeltaOp.Insert(op.table(), op.key(), ((DeltaOp.Insert) op).after()));
        }

        Sealed otherKeys = seal(true, stream, held, stream, heldAgain);
        assertEquals(0, otherKeys.copied());
        assertArrayEquals(seal(false, stream, held, stream, heldAgain).second(), otherKeys.second());
        Sealed otherOps = seal(true, stream, held, copies, held);
        assertEquals(0, otherOps.copied());
        assertArrayEquals(seal(false, stream, held, copies, held).second(), otherOps.second());
        Sealed same = seal(true, stream, held, stream, held);
        assertArrayEquals(same.first(), same.second(), "the same ops seal to the same bytes");
        assertTrue(same.copied() >= 4, "sections copied: " + same.copied());
    }
}
