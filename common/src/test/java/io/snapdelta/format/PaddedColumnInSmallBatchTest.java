package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.digest.StateDigest;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression found by the bandwidth benchmark: a blank-padded column (pgbench_accounts.filler, 84 blanks)
 * stored without its padding in a batch whose body is shorter than the padded width must decode; the
 * padded width is not a byte count of what follows.
 */
class PaddedColumnInSmallBatchTest {
    @Test
    void paddedWidthLargerThanTheRemainingBodyDecodes() throws Exception {
        TableId t = TableId.of("public", "pgbench_accounts");
        RowSchema key = RowSchema.of(new String[] {"aid"}, new FieldType[] {FieldType.INT64});
        RowSchema row = RowSchema.of(new String[] {"aid", "filler"}, new FieldType[] {FieldType.INT64, FieldType.STRING});
        String filler = " ".repeat(84);
        List<DeltaOp> ops = List.of(new DeltaOp.Insert(t, Row.of(key, 1L), Row.of(row, 1L, filler)),
                new DeltaOp.Insert(t, Row.of(key, 2L), Row.of(row, 2L, filler)));
        StateDigest after = new StateDigest();
        for (DeltaOp op : ops) {
            after.add(t, op.key(), ((DeltaOp.Insert) op).after());
        }
        DeltaBatch batch = new DeltaBatch(0, 0, new Version(0, 1), new Version(0, 2), ops, new byte[StateDigest.BYTES], after.toBytes());
        byte[] sealed;
        try (DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new NoneCodec()))) {
            sealed = w.write(batch);
        }
        try (DeltaBatchReader r = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), new InMemoryDictionaryStore())) {
            assertEquals(DeltaBatchWriter.wireOrder(ops), DeltaBatchWriter.wireOrder(r.read(sealed, RowLookup.EMPTY).ops()));
        }
    }
}
