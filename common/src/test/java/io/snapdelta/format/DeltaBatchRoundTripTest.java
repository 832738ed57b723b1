package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.NoneCodec;
import io.snapdelta.codec.ZstdCodec;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.Version;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltaBatchRoundTripTest {
    static byte[] digest(int fill) {
        byte[] d = new byte[BatchLayout.DIGEST_LENGTH];
        Arrays.fill(d, (byte) fill);
        return d;
    }

    @Test
    void pgbenchLikeBatchDecodesToTheSameOpsAndHeader() throws Exception {
        PgbenchLikeBatches gen = new PgbenchLikeBatches(7, 1000);
        RowLookup before = snapshotLookup(gen);
        List<DeltaOp> ops = gen.next(400);
        DeltaBatch batch = new DeltaBatch(3, 17, new Version(5, 1), new Version(9, 2), ops, digest(1), digest(2));
        for (var codec : List.of(new NoneCodec(), new ZstdCodec(3))) {
            try (DeltaBatchWriter writer = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.fixed(codec));
                 DeltaBatchReader reader = new DeltaBatchReader(DeltaFormatOptions.defaults(), new TableSchemaRegistry(), null)) {
                byte[] sealed = writer.write(batch);
                SealedBatch decoded = reader.read(sealed, before);
                assertEquals(DeltaBatchWriter.wireOrder(ops), DeltaBatchWriter.wireOrder(decoded.ops()));
                assertEquals(3, decoded.header().shard());
                assertEquals(17, decoded.header().sequence());
                assertEquals(new Version(5, 1), decoded.header().firstVersion());
                assertEquals(new Version(9, 2), decoded.header().lastVersion());
                assertEquals(100, decoded.header().insertCount());
                assertEquals(300, decoded.header().updateCount());
                assertArrayEquals(digest(2), decoded.header().digestAfter());
                assertEquals(codec.id(), decoded.header().codec());
            }
        }
    }

    private static RowLookup snapshotLookup(PgbenchLikeBatches gen) {
        Map<Object, Object> copy = new HashMap<>();
        gen.state.forEach((t, rows) -> copy.put(t, new HashMap<>(rows)));
        return (t, key) -> {
            @SuppressWarnings("unchecked")
            Map<Object, io.snapdelta.model.Row> rows = (Map<Object, io.snapdelta.model.Row>) copy.get(t);
            return rows == null ? null : rows.get(key);
        };
    }
}
