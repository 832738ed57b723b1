package io.snapdelta.shard;

/** A delta op does not fit the state it is applied to: the receiver's state differs from the producer's. */
public final class StateDivergenceException extends RuntimeException {
    public StateDivergenceException(String message) {
        super(message);
    }
}
