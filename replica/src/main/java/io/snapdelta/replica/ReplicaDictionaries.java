package io.snapdelta.replica;

import io.snapdelta.codec.DictionaryStore;
import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.codec.InMemoryDictionaryStore;
import io.snapdelta.codec.S3DictionaryStore;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaOptions;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a replica fetches the compression dictionaries that batches name by id: the location the job
 * publishes them to ({@code deltas.dictionary-location}: {@code s3://bucket/prefix} with the {@code s3.*}
 * options, or {@code file:///dir}). Without one the job trains no dictionaries, so an empty store is right;
 * a batch that names a dictionary then fails to decode with an error that says so.
 */
public final class ReplicaDictionaries {
    private ReplicaDictionaries() {
    }

    /** The store {@code config} names; close it if it is {@link AutoCloseable}. */
    public static DictionaryStore forConfiguration(Configuration config) {
        String location = config.get(DeltaOptions.DICTIONARY_LOCATION);
        if (location.isEmpty()) {
            return new InMemoryDictionaryStore();
        }
        if (location.startsWith("file:")) {
            return new FileDictionaryStore(Path.of(URI.create(location)));
        }
        return S3DictionaryStore.forLocation(location, config);
    }
}
