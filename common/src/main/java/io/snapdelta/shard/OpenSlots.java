package io.snapdelta.shard;

/**
 * The mechanics shared by this package's open-addressing tables ({@link InMemoryShardStateStore},
 * {@link ReplicaShardState}): a power-of-two slot array with a parallel array of the slots' hashes, Fibonacci
 * hashing to a home slot, linear probing, and backward-shift deletion (no tombstone slots, so lookups stay
 * short however many rows come and go). The tables keep their own lookups, whose key comparisons differ.
 */
final class OpenSlots {
    private OpenSlots() {
    }

    /** The home slot of {@code hash} in a table of {@code 2^(32 - shift)} slots. */
    static int homeOf(int hash, int shift) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /**
     * Empties slot {@code gap}, shifting back the slots after it whose probe sequence passed it (a slot at
     * {@code i} may move into the gap if the gap lies on its probe path from its home to {@code i}).
     */
    static void removeAt(Object[] slots, int[] hashes, int shift, int gap) {
        int mask = slots.length - 1;
        for (int i = (gap + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = homeOf(hashes[i], shift);
            if (((i - home) & mask) >= ((i - gap) & mask)) {
                slots[gap] = slots[i];
                hashes[gap] = hashes[i];
                gap = i;
            }
        }
        slots[gap] = null;
    }

    /**
     * Places every slot of {@code from} into the empty, larger {@code to} (whose shift is {@code toShift}). Each
     * store into the {@code Object[]} checks the moved object's class against the array's element type, i.e.
     * reads the object's header: on a large, cold table a cache miss per move, which a loop over an array
     * of the exact type it allocated does not pay ({@link ReplicaShardState}'s resize).
     */
    static void rehash(Object[] from, int[] fromHashes, Object[] to, int[] toHashes, int toShift) {
        int mask = to.length - 1;
        for (int j = 0; j < from.length; j++) {
            if (from[j] != null) {
                int hash = fromHashes[j];
                int i = homeOf(hash, toShift);
                while (to[i] != null) {
                    i = (i + 1) & mask;
                }
                to[i] = from[j];
                toHashes[i] = hash;
            }
        }
    }
}
