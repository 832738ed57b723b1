package io.snapdelta.delta;

/** How many inserts, updates and deletes a list of ops holds (a batch header's counts, a replica's tallies). */
public record OpCounts(int inserts, int updates, int deletes) {
    public static OpCounts of(Iterable<? extends DeltaOp> ops) {
        int inserts = 0;
        int updates = 0;
        int deletes = 0;
        for (DeltaOp op : ops) {
            if (op instanceof DeltaOp.Insert) {
                inserts++;
            } else if (op instanceof DeltaOp.Update) {
                updates++;
            } else {
                deletes++;
            }
        }
        return new OpCounts(inserts, updates, deletes);
    }
}
