package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link DictionaryStore} contract, run against every implementation. */
class DictionaryStoreContractTest {
    @TempDir
    static Path tmp;

    static Stream<DictionaryStore> stores() throws Exception {
        return Stream.of(new InMemoryDictionaryStore(), new FileDictionaryStore(Files.createTempDirectory(tmp, "dicts")));
    }

    @ParameterizedTest
    @MethodSource("stores")
    void publishedDictionaryIsFetchedByIdAndRepublishingIsANoOp(DictionaryStore store) throws Exception {
        CompressionDictionary d = CompressionDictionary.of(new byte[] {1, 2, 3, 4, 5});
        assertTrue(store.fetch(d.id()).isEmpty());
        store.publish(d);
        store.publish(CompressionDictionary.of(new byte[] {1, 2, 3, 4, 5}));
        assertEquals(d, store.fetch(d.id()).orElseThrow());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, store.fetch(d.id()).orElseThrow().copyOfBytes());
    }

    @Test
    void dictionaryIdIsTheSha256PrefixOfItsBytes() {
        // SHA-256("abc") = ba7816bf 8f01cfea ...
        assertEquals(0xba7816bf, CompressionDictionary.of("abc".getBytes()).id());
        assertEquals("ba7816bf", CompressionDictionary.idHex(0xba7816bf));
    }

    @Test
    void fileStoreRefusesADamagedDictionaryFile() throws Exception {
        Path dir = Files.createTempDirectory(tmp, "damaged");
        FileDictionaryStore store = new FileDictionaryStore(dir);
        CompressionDictionary d = CompressionDictionary.of(new byte[] {9, 9, 9});
        store.publish(d);
        Files.write(store.pathOf(d.id()), new byte[] {9, 9, 8});
        assertThrows(java.io.IOException.class, () -> store.fetch(d.id()));
        assertThrows(IllegalStateException.class, () -> store.publish(d));
    }
}
