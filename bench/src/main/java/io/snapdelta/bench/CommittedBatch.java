package io.snapdelta.bench;

import io.snapdelta.model.Version;

/**
 * One sealed batch as a read_committed consumer of the deltas topic saw it.
 *
 * @param shard the batch's shard (from its header)
 * @param sequence the batch's sequence in its shard
 * @param firstVersion lowest source version the batch covers
 * @param lastVersion highest source version the batch covers
 * @param ops insert + update + delete ops in the batch (never more than the changes it covers)
 * @param bytes sealed length
 * @param sealedMillis the Kafka record's timestamp: when the job sealed it (producer CreateTime, schemas/deltas-topic-v1.md)
 * @param visibleMillis when the consumer's poll returned it, i.e. when its transaction had committed
 */
record CommittedBatch(int shard, long sequence, Version firstVersion, Version lastVersion, int ops, int bytes,
                      long sealedMillis, long visibleMillis) {
}
