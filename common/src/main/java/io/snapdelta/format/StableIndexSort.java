package io.snapdelta.format;

/**
 * A stable sort of positions by a primitive long key, without boxing: equal keys keep their input order,
 * which the sorted body order needs (the ops of one key must stay in stream order).
 */
final class StableIndexSort {
    private StableIndexSort() {
    }

    /** The positions {@code 0..n-1} ordered by {@code keys[i]}, ties by position. */
    static int[] byLong(long[] keys, int n) {
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
}
