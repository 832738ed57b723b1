package io.snapdelta.codec;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A dictionary store in memory: for tests, benchmarks, and a writer and reader in one process. */
public final class InMemoryDictionaryStore implements DictionaryStore {
    private final Map<Integer, CompressionDictionary> dictionaries = new ConcurrentHashMap<>();

    @Override
    public void publish(CompressionDictionary dictionary) {
        CompressionDictionary existing = dictionaries.putIfAbsent(dictionary.id(), dictionary);
        if (existing != null && !existing.equals(dictionary)) {
            throw new IllegalStateException("dictionary id " + CompressionDictionary.idHex(dictionary.id())
                    + " is already published with different bytes");
        }
    }

    @Override
    public Optional<CompressionDictionary> fetch(int id) {
        return Optional.ofNullable(dictionaries.get(id));
    }
}
