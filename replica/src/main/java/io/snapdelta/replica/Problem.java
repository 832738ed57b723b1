package io.snapdelta.replica;

/**
 * One thing wrong with a shard's stream, located in the topic.
 *
 * @param kind what is wrong
 * @param shard the shard (as the record key says, or -1 when the key is unreadable)
 * @param sequence the batch's sequence as read (unverified for a corrupt batch; -1 when unknown)
 * @param partition the topic partition of the record
 * @param offset the record's offset
 * @param detail a sentence naming what differed
 */
public record Problem(ProblemKind kind, long shard, long sequence, int partition, long offset, String detail) {
    @Override
    public String toString() {
        return kind + " shard " + shard + " seq " + sequence + " at " + partition + "@" + offset + ": " + detail;
    }
}
