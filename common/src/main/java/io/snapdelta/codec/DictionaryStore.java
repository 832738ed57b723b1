package io.snapdelta.codec;

import java.io.IOException;
import java.util.Optional;

/**
 * Where writers publish dictionaries and replicas fetch them (spec: "Dictionary publication"). Rules:
 * a writer publishes a dictionary before it seals any batch that names it; a published dictionary is
 * never changed or deleted while batches naming it are retained; publishing the same bytes again is a
 * no-op; publishing different bytes under an existing id fails.
 */
public interface DictionaryStore {
    void publish(CompressionDictionary dictionary) throws IOException;

    /** The dictionary, verified against its id, or empty if the store does not have it. */
    Optional<CompressionDictionary> fetch(int id) throws IOException;
}
