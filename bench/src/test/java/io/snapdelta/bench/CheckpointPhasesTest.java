package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CheckpointPhasesTest {
    @Test
    void quantilesAreNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, CheckpointPhases.quantile(v, 0.5));
        assertEquals(10, CheckpointPhases.quantile(v, 0.99));
        assertEquals(1, CheckpointPhases.quantile(v, 0.0));
        assertEquals(7, CheckpointPhases.quantile(new long[] {7}, 0.99));
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(99, CheckpointPhases.quantile(hundred, 0.99));
    }
}
