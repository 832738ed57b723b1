package io.snapdelta.format;

import io.snapdelta.delta.DeltaOp;
import java.util.List;

/**
 * A decoded and verified batch: its header and its ops, in the order the writer was given them, with
 * {@code before} images rebuilt from the receiver's rows ({@link RowLookup}) and the batch's own earlier ops.
 *
 * @param definedSchemas the schema definitions the batch carried (already registered with the reader)
 */
public record SealedBatch(BatchHeader header, List<DeltaOp> ops, List<TableSchema> definedSchemas) {
    public SealedBatch {
        ops = ops instanceof DecodedOps ? ops : List.copyOf(ops); // the decoder's own array: already unshared
        definedSchemas = List.copyOf(definedSchemas);
    }
}
