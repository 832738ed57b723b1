package io.snapdelta.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.FieldType;
import io.snapdelta.model.Row;
import io.snapdelta.model.RowSchema;
import io.snapdelta.model.TableId;
import io.snapdelta.shard.ReplicaShardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateExporterTest {
    @TempDir
    Path dir;

    private static final RowSchema KEY = RowSchema.of(new String[] {"id"}, new FieldType[] {FieldType.INT64});

    @Test
    void eachTableIsWrittenLikePostgresCopyCsvInKeyOrderAcrossShards() throws IOException {
        ReplicaShardState a = new ReplicaShardState();
        ReplicaShardState b = new ReplicaShardState();
        a.apply(new DeltaOp.Insert(ProducedStream.ITEMS, Row.of(KEY, 10L), ProducedStream.item(10, "ten", 1, "x, \"y\"")));
        b.apply(new DeltaOp.Insert(ProducedStream.ITEMS, Row.of(KEY, 2L), ProducedStream.item(2, "two", 5, null)));
        a.apply(new DeltaOp.Insert(ProducedStream.ITEMS, Row.of(KEY, 9L), ProducedStream.item(9, "", 0, "   ")));
        b.apply(new DeltaOp.Insert(ProducedStream.ORDERS, Row.of(ProducedStream.ORDER_KEY, 1L),
                Row.of(ProducedStream.ORDER, 1L, 2L, -7L)));

        Map<TableId, Path> files = StateExporter.export(List.of(a, b), dir.resolve("out"));

        assertEquals(dir.resolve("out/items.csv"), files.get(ProducedStream.ITEMS));
        assertEquals("id,name,qty,note\n2,two,5,\n9,\"\",0,   \n10,ten,1,\"x, \"\"y\"\"\"\n",
                Files.readString(files.get(ProducedStream.ITEMS)));
        assertEquals("order_id,item,amount\n1,2,-7\n", Files.readString(dir.resolve("out/orders.csv")));
    }

    @Test
    void tablesOfTheSameNameInTwoNamespacesKeepTheirNamespaceInTheFileName() throws IOException {
        ReplicaShardState s = new ReplicaShardState();
        RowSchema row = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, FieldType.STRING});
        s.apply(new DeltaOp.Insert(TableId.of("a", "t"), Row.of(KEY, 1L), Row.of(row, 1L, "a")));
        s.apply(new DeltaOp.Insert(TableId.of("b", "t"), Row.of(KEY, 1L), Row.of(row, 1L, "b")));
        StateExporter.export(List.of(s), dir);
        assertEquals("id,v\n1,a\n", Files.readString(dir.resolve("a.t.csv")));
        assertEquals("id,v\n1,b\n", Files.readString(dir.resolve("b.t.csv")));
    }

    @Test
    void rowsOfTwoSchemaVersionsShareTheUnionHeaderWithNullForMissingColumns() throws IOException {
        ReplicaShardState s = new ReplicaShardState();
        RowSchema v1 = RowSchema.of(new String[] {"id", "v"}, new FieldType[] {FieldType.INT64, FieldType.STRING});
        RowSchema v2 = RowSchema.of(new String[] {"id", "v", "w"}, new FieldType[] {FieldType.INT64, FieldType.STRING, FieldType.INT64});
        TableId t = TableId.of("", "t");
        s.apply(new DeltaOp.Insert(t, Row.of(KEY, 1L), Row.of(v1, 1L, "old")));
        s.apply(new DeltaOp.Insert(t, Row.of(KEY, 2L), Row.of(v2, 2L, "new", 7L)));
        StateExporter.export(List.of(s), dir);
        assertEquals("id,v,w\n1,old,\n2,new,7\n", Files.readString(dir.resolve("t.csv")));
    }

    @Test
    void aKeyHeldByTwoShardsIsRefused() {
        ReplicaShardState a = new ReplicaShardState();
        ReplicaShardState b = new ReplicaShardState();
        a.apply(new DeltaOp.Insert(ProducedStream.ITEMS, Row.of(KEY, 1L), ProducedStream.item(1, "a", 1, null)));
        b.apply(new DeltaOp.Insert(ProducedStream.ITEMS, Row.of(KEY, 1L), ProducedStream.item(1, "a", 1, null)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StateExporter.export(List.of(a, b), dir));
        assertEquals(true, e.getMessage().contains("held by two shards"), e.getMessage());
    }
}
