package io.snapdelta.format;

/**
 * A stable sort of positions by a primitive long key, without boxing: equal keys keep their input order,
 * which the sorted body order needs (the ops of one key must stay in stream order).
 *
 * <p>Short inputs are merge sorted; longer ones (a table's held keys when its rank index is built, large
 * sections) are LSD radix sorted a byte at a time, carrying each key beside its position so that a pass
 * reads both sequentially. A byte that every key shares (the high bytes of small or clustered keys) costs
 * no pass, so the passes are as many as the bytes in which the keys differ.
 */
final class StableIndexSort {
    /** Below this many keys the radix sort's 8 x 256 counters cost more than merge passes. */
    static final int RADIX_MIN = 256;

    private StableIndexSort() {
    }

    /** The positions {@code 0..n-1} ordered by {@code keys[i]}, ties by position. */
    static int[] byLong(long[] keys, int n) {
        return n < RADIX_MIN ? mergeSort(keys, n) : radixSort(keys, n);
    }

    static int[] mergeSort(long[] keys, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (n < 2) {
            return order;
        }
        int[] buffer = new int[n];
        // Bottom-up merge sort: runs of width 1, 2, 4, ... merged left run first on ties, hence stable.
        int[] from = order;
        int[] to = buffer;
        for (int width = 1; width < n; width <<= 1) {
            for (int lo = 0; lo < n; lo += width << 1) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + (width << 1), n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    to[k++] = keys[from[j]] < keys[from[i]] ? from[j++] : from[i++];
                }
                while (i < mid) {
                    to[k++] = from[i++];
                }
                while (j < hi) {
                    to[k++] = from[j++];
                }
            }
            int[] t = from;
            from = to;
            to = t;
        }
        return from;
    }

    static int[] radixSort(long[] keys, int n) {
        // Signed order is the unsigned order of the keys with their sign bit flipped.
        long[] k = new long[n];
        int[] order = new int[n];
        int[] counts = new int[8 * 256];
        for (int i = 0; i < n; i++) {
            long u = keys[i] ^ Long.MIN_VALUE;
            k[i] = u;
            order[i] = i;
            for (int d = 0; d < 8; d++) {
                counts[(d << 8) | (int) ((u >>> (d << 3)) & 0xFF)]++;
            }
        }
        long[] kTo = new long[n];
        int[] orderTo = new int[n];
        for (int d = 0; d < 8; d++) {
            int base = d << 8;
            int shift = d << 3;
            if (counts[base + (int) ((k[0] >>> shift) & 0xFF)] == n) {
                continue; // every key has this byte
            }
            int sum = 0;
            for (int b = 0; b < 256; b++) { // counts -> first position of each byte value
                int c = counts[base + b];
                counts[base + b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) { // in input order per byte value: stable
                long u = k[i];
                int at = counts[base + (int) ((u >>> shift) & 0xFF)]++;
                kTo[at] = u;
                orderTo[at] = order[i];
            }
            long[] tk = k;
            k = kTo;
            kTo = tk;
            int[] to = order;
            order = orderTo;
            orderTo = to;
        }
        return order;
    }
}
