package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.model.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer refuses an op whose row disagrees with its key, naming the op, the table and the key field. */
class DeltaBatchWriterKeyCheckTest {
    static final TableId T = TableId.of("public", "t");
    static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});
    static final RowSchema ROW = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, FieldType.INT64});

    private static byte[] write(DeltaOp... ops) {
        DeltaBatchWriter w = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(new NoneCodec()));
        return w.write(new DeltaBatch(0, 0, new Version(1, 0), new Version(1, 0), List.of(ops), new byte[32], new byte[32]));
    }

    private static Row key(long id) {
        return Row.of(KEY, id);
    }

    private static Row row(long id, long v) {
        return Row.of(ROW, id, v);
    }

    @Test
    void rowsAgreeingWithTheirKeysAreWritten() {
        assertTrue(write(new DeltaOp.Insert(T, key(1), row(1, 5)), new DeltaOp.Update(T, key(2), row(2, 1), row(2, 2)),
                new DeltaOp.Delete(T, key(3), row(3, 0))).length > 0);
    }

    @Test
    void aRowWhoseKeyFieldDiffersFromTheKeyIsRefusedWithTheOpTableAndField() {
        List<DeltaOp> bad = List.of(
                new DeltaOp.Insert(T, key(1), row(9, 5)),
                new DeltaOp.Update(T, key(2), row(8, 1), row(2, 2)),
                new DeltaOp.Update(T, key(2), row(2, 1), row(8, 2)),
                new DeltaOp.Delete(T, key(3), row(7, 0)));
        for (DeltaOp op : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> write(new DeltaOp.Insert(T, key(0), row(0, 0)), op), op.toString());
            assertTrue(e.getMessage().startsWith("op 1 (" + op.getClass().getSimpleName() + " on public.t): key field 'id'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("a key change must travel as delete + insert"), e.getMessage());
        }
        assertEquals(4, bad.size());
    }
}
