package io.snapdelta.delta;

import io.snapdelta.model.Row;
import io.snapdelta.model.TableId;
import java.util.Objects;

/**
 * One net change to one key inside a delta batch: the logical content a sealed batch carries, shared by
 * the per-shard producer (which emits them), the batch encoder/decoder, and every replica (which applies
 * them). Rows always hold every column of the table (full images), keys the key fields.
 *
 * <p>What travels on the wire is smaller: an update carries only the fields that differ between
 * {@code before} and {@code after}; the receiver already holds {@code before}. Encoders may code values
 * against {@code before}; decoders reconstruct {@code before} from the receiver's state.
 */
public sealed interface DeltaOp {
    TableId table();

    Row key();

    /** A new row (or a snapshot read / re-insert after a delete): {@code after} is the full row. */
    record Insert(TableId table, Row key, Row after) implements DeltaOp {
        public Insert {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(after);
        }
    }

    /** A changed row: {@code before} is what the receiver holds, {@code after} what it must hold. */
    record Update(TableId table, Row key, Row before, Row after) implements DeltaOp {
        public Update {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(before);
            Objects.requireNonNull(after);
        }
    }

    /** A removed row; {@code before} is what the receiver holds (needed by the digest). */
    record Delete(TableId table, Row key, Row before) implements DeltaOp {
        public Delete {
            Objects.requireNonNull(table);
            Objects.requireNonNull(key);
            Objects.requireNonNull(before);
        }
    }
}
