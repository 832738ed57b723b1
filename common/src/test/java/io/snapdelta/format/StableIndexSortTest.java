package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The primitive sort of sorted-body keys orders exactly like the stable comparator sort it replaces. */
class StableIndexSortTest {
    private static int[] reference(long[] keys) {
        Integer[] boxed = new Integer[keys.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.comparingLong(i -> keys[i])); // TimSort: stable
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 300)
    void ordersByKeyAndKeepsTheInputOrderOfEqualKeys(
            @ForAll @Size(max = 300) List<@LongRange(min = -4, max = 4) Long> fewDistinct,
            @ForAll @Size(max = 300) List<Long> anyKeys) {
        for (List<Long> keys : List.of(fewDistinct, anyKeys)) {
            long[] k = keys.stream().mapToLong(Long::longValue).toArray();
            assertArrayEquals(reference(k), StableIndexSort.byLong(k, k.length), "keys " + keys);
        }
    }

    @Property(tries = 100)
    void longInputsTakeTheRadixPathAndOrderTheSame(
            @ForAll @Size(min = StableIndexSort.RADIX_MIN, max = 3000) List<@LongRange(min = -40, max = 40) Long> fewDistinct,
            @ForAll @Size(min = StableIndexSort.RADIX_MIN, max = 3000) List<Long> anyKeys,
            @ForAll @Size(min = StableIndexSort.RADIX_MIN, max = 3000) List<@LongRange(min = 0, max = 100_000) Long> smallKeys) {
        for (List<Long> keys : List.of(fewDistinct, anyKeys, smallKeys)) {
            long[] k = keys.stream().mapToLong(Long::longValue).toArray();
            assertArrayEquals(reference(k), StableIndexSort.byLong(k, k.length), "keys " + keys);
        }
    }

    @Test
    void extremeKeysCompareAsSignedLongsOnBothPaths() {
        long[] extremes = {Long.MAX_VALUE, 0, Long.MIN_VALUE, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 32, -(1L << 40)};
        long[] k = new long[StableIndexSort.RADIX_MIN * 2];
        for (int i = 0; i < k.length; i++) {
            k[i] = extremes[i % extremes.length];
        }
        assertArrayEquals(reference(k), StableIndexSort.radixSort(k, k.length));
        assertArrayEquals(reference(k), StableIndexSort.mergeSort(k, k.length));
        long[] same = new long[StableIndexSort.RADIX_MIN];
        java.util.Arrays.fill(same, 7);
        assertArrayEquals(reference(same), StableIndexSort.byLong(same, same.length));
    }

    @Test
    void extremeKeysCompareAsSignedLongs() {
        long[] k = {Long.MAX_VALUE, 0, Long.MIN_VALUE, -1, Long.MAX_VALUE, Long.MIN_VALUE};
        assertArrayEquals(new int[] {2, 5, 3, 1, 0, 4}, StableIndexSort.byLong(k, k.length));
    }
}
