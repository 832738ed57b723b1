package io.snapdelta.config;

import java.time.Duration;

/**
 * Where sealed delta batches go and how big and how late they may be: the deltas topic
 * ({@code schemas/deltas-topic-v1.md}), the receiver limits and latency budget of the flush policy
 * ({@code io.snapdelta.shard.FlushPolicy}), and where trained compression dictionaries are published.
 * The count cap is {@link ShardOptions#BATCH_MAX_CHANGES}; codec choice is {@link DeltaFormatOptions}.
 */
public final class DeltaOptions {
    private DeltaOptions() {
    }

    public static final ConfigOption<String> TOPIC = ConfigOption.key("deltas.topic")
            .stringType().defaultValue("snapdelta.deltas").validator(Validators.nonEmpty())
            .description("Kafka topic receiving sealed delta batches: key = shard id (4 bytes, big-endian), "
                    + "partition = shard mod partitions, written exactly once (schemas/deltas-topic-v1.md).");

    public static final ConfigOption<MemorySize> BATCH_MAX_BYTES = ConfigOption.key("batch.max-bytes")
            .memoryType().defaultValue(new MemorySize(1L << 20))
            .validator(Validators.between(new MemorySize(1024), new MemorySize(256L << 20)))
            .description("Receiver limit: a shard seals its open batch before the change that would take its "
                    + "estimated sealed size over this (estimated from recent batches' bytes per change). "
                    + "Keep it below the topic's max.message.bytes.");

    public static final ConfigOption<Duration> BATCH_LATENCY_BUDGET = ConfigOption.key("batch.latency-budget")
            .durationType().defaultValue(Duration.ofMillis(200)).validator(Validators.positiveDuration())
            .description("Longest a change waits in an open batch (processing time) before the batch is sealed. "
                    + "The count target follows the observed rate: the changes one budget brings, capped by "
                    + "batch.max-changes. Checkpoints keep open batches in state rather than sealing them (see "
                    + "batch.seal-on-checkpoint), except a batch whose budget runs out before the next barrier "
                    + "(job.checkpoint.interval later): that one is sealed at the barrier and commits with it, one "
                    + "interval earlier than a seal on its deadline would; exactly-once output becomes visible only when the first checkpoint "
                    + "after the seal completes (job.checkpoint.interval). A budget far above the input's duration "
                    + "makes batch boundaries depend on the input alone (docs/determinism.md).");

    public static final ConfigOption<Boolean> BATCH_SEAL_ON_CHECKPOINT = ConfigOption.key("batch.seal-on-checkpoint")
            .booleanType().defaultValue(false)
            .description("Seal every open batch at every checkpoint barrier (the behaviour before open batches were "
                    + "checkpointed). Off: an open batch is kept in the checkpoint and sealed only on count, size, "
                    + "the latency budget or the end of a bounded input, so batches reach batch.max-changes and "
                    + "boundaries do not depend on checkpoint timing. On: smaller batches, more bytes per change.");

    public static final ConfigOption<String> DICTIONARY_LOCATION = ConfigOption.key("deltas.dictionary-location")
            .stringType().defaultValue("")
            .validator(v -> v.isEmpty() || v.startsWith("s3://") || v.startsWith("file:/")
                    ? null : "must be empty, s3://<bucket>/<prefix> or file:///<directory>")
            .description("Where trained zstd dictionaries are published before a batch names them: "
                    + "s3://<bucket>/<prefix> writes <prefix>/dictionaries/<id>.zdict with a create-only put "
                    + "(client settings from s3.*); file:///<dir> writes <dir>/<id>.zdict (single machine only). "
                    + "Empty: no dictionary codecs (delta.codec zstd-dict is then rejected).");
}
