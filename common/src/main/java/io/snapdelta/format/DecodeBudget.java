package io.snapdelta.format;

import io.snapdelta.format.CorruptBatchException.Kind;

/**
 * What one batch may make a reader allocate beyond its own bytes: field values (rows x fields, which
 * all-null columns produce without spending bytes) and blank padding restored to strings. Checked before
 * each allocation.
 */
final class DecodeBudget {
    private long values;
    private long paddingBytes;
    private final long maxValues;
    private final long maxPadding;

    DecodeBudget(long maxValues, long maxPaddingBytes) {
        this.values = maxValues;
        this.paddingBytes = maxPaddingBytes;
        this.maxValues = maxValues;
        this.maxPadding = maxPaddingBytes;
    }

    void takeValues(ByteSource in, long n, String what) throws CorruptBatchException {
        if (n < 0 || n > values) {
            throw in.error(Kind.LIMIT_EXCEEDED, what + " would make the batch materialize more than "
                    + maxValues + " values (delta.format.max-values)");
        }
        values -= n;
    }

    void takePadding(ByteSource in, long n, String what) throws CorruptBatchException {
        if (n < 0 || n > paddingBytes) {
            throw in.error(Kind.LIMIT_EXCEEDED, what + " would restore more than " + maxPadding
                    + " bytes of blank padding (delta.format.max-uncompressed-size)");
        }
        paddingBytes -= n;
    }
}
