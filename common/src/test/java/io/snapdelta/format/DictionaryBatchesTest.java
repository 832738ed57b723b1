package io.snapdelta.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapdelta.codec.CodecId;
import io.snapdelta.codec.CodecSelector;
import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.delta.DeltaOp;
import io.snapdelta.model.Version;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zstd-dict end to end: the writer trains and publishes, a replica fetches by id and decodes. */
class DictionaryBatchesTest {
    @TempDir
    Path dir;

    @Test
    void batchesCompressedWithATrainedDictionaryDecodeFromThePublishedDictionary() throws Exception {
        DeltaFormatOptions options = DeltaFormatOptions.defaults()
                .with(DeltaFormatOptions.CODEC, DeltaFormatOptions.CodecMode.ZSTD_DICT)
                .with(DeltaFormatOptions.DICTIONARY_TRAINING_BATCHES, 16);
        FileDictionaryStore published = new FileDictionaryStore(dir.resolve("dictionaries"));
        PgbenchLikeBatches gen = new PgbenchLikeBatches(11, 2000);
        try (DeltaBatchWriter writer = new DeltaBatchWriter(new TableSchemaRegistry(), CodecSelector.create(options, published));
             DeltaBatchReader replica = new DeltaBatchReader(options, new TableSchemaRegistry(), new FileDictionaryStore(dir.resolve("dictionaries")));
             DeltaBatchReader noStore = new DeltaBatchReader(options, new TableSchemaRegistry(), null)) {
            boolean sawDictionary = false;
            for (int seq = 0; seq < 40; seq++) {
                Map<Object, Map<Object, Object>> before = new HashMap<>();
                gen.state.forEach((t, rows) -> before.put(t, new HashMap<>(rows)));
                RowLookup lookup = (t, k) -> (io.snapdelta.model.Row) before.getOrDefault(t, Map.of()).get(k);
                List<DeltaOp> ops = gen.next(200);
                byte[] sealed = writer.write(new DeltaBatch(0, seq, Version.ZERO, Version.ZERO, ops,
                        GoldenVectors.digest(seq), GoldenVectors.digest(seq + 1)));
                SealedBatch decoded = replica.read(sealed, lookup);
                assertEquals(DeltaBatchWriter.wireOrder(ops), DeltaBatchWriter.wireOrder(decoded.ops()));
                if (decoded.header().codec() == CodecId.ZSTD_DICT) {
                    sawDictionary = true;
                    assertTrue(published.fetch(decoded.header().dictionaryId()).isPresent());
                    CorruptBatchException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptBatchException.class,
                            () -> noStore.read(sealed, lookup));
                    assertEquals(CorruptBatchException.Kind.UNKNOWN_DICTIONARY, e.kind());
                }
            }
            assertTrue(sawDictionary, "no batch used a trained dictionary; last decision " + writer.selector().lastDecision());
        }
    }
}
