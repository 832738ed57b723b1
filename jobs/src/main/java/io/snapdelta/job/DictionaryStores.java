package io.snapdelta.job;

import io.snapdelta.codec.FileDictionaryStore;
import io.snapdelta.config.ConfigException;
import io.snapdelta.config.Configuration;
import io.snapdelta.config.DeltaFormatOptions;
import io.snapdelta.config.DeltaOptions;
import java.net.URI;
import java.nio.file.Path;

/** Builds the dictionary store factory {@code deltas.dictionary-location} names. */
final class DictionaryStores {
    private DictionaryStores() {
    }

    static ShardDeltaOperator.DictionaryStoreFactory factory(Configuration config) {
        String location = config.get(DeltaOptions.DICTIONARY_LOCATION);
        if (location.isEmpty()) {
            if (config.get(DeltaFormatOptions.CODEC) == DeltaFormatOptions.CodecMode.ZSTD_DICT) {
                throw new ConfigException(DeltaOptions.DICTIONARY_LOCATION.key(), "",
                        "delta.codec zstd-dict needs a place to publish dictionaries (s3://bucket/prefix or file:///dir)");
            }
            return () -> null;
        }
        if (location.startsWith("file:")) {
            String dir = Path.of(URI.create(location)).toString();
            return () -> new FileDictionaryStore(Path.of(dir));
        }
        return S3DictionaryStores.factory(config, location);
    }
}
