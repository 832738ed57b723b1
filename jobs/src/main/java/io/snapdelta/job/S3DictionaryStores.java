package io.snapdelta.job;

import io.snapdelta.codec.S3DictionaryStore;
import io.snapdelta.config.Configuration;
import java.util.Map;

/** The S3 dictionary store, created on the task manager from the s3.* options (the client does not serialize). */
final class S3DictionaryStores {
    private S3DictionaryStores() {
    }

    static ShardDeltaOperator.DictionaryStoreFactory factory(Configuration config, String location) {
        Map<String, String> values = config.toMap();
        S3DictionaryStore.forLocation(location, config).close(); // fail at submission on a bad location or s3.* option
        return () -> S3DictionaryStore.forLocation(location, Configuration.fromMap(values));
    }
}
