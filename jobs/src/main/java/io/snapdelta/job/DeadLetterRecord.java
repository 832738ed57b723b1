package io.snapdelta.job;

import io.snapdelta.ingest.DeadLetter;
import java.util.List;

/**
 * A {@link DeadLetter} in transit from a parse operator to the dead-letter sink, as a Flink POJO: the
 * original key and value bytes and the headers built by {@link DeadLetter} (names and values side by side).
 */
public final class DeadLetterRecord {
    public byte[] key;
    public byte[] value;
    public String errorClass;
    public String[] headerNames;
    public byte[][] headerValues;

    public DeadLetterRecord() {
    }

    public static DeadLetterRecord of(DeadLetter dl) {
        DeadLetterRecord r = new DeadLetterRecord();
        r.key = dl.key();
        r.value = dl.value();
        r.errorClass = dl.errorClass();
        List<DeadLetter.Header> headers = dl.headers();
        r.headerNames = new String[headers.size()];
        r.headerValues = new byte[headers.size()][];
        for (int i = 0; i < headers.size(); i++) {
            r.headerNames[i] = headers.get(i).name();
            r.headerValues[i] = headers.get(i).value();
        }
        return r;
    }
}
