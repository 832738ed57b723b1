package io.snapdelta.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The snapdelta Avro schema ({@code schemas/change-event.avsc}, on the classpath as
 * {@code /schemas/change-event.avsc}) and the single-object-encoding header that identifies it.
 */
public final class SnapdeltaAvroSchema {
    public static final String RESOURCE = "/schemas/change-event.avsc";
    /** Avro single-object encoding marker. */
    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    /** Union branch of Field.value for each value kind; the order of the union in the schema. */
    static final int BRANCH_NULL = 0;
    static final int BRANCH_BOOLEAN = 1;
    static final int BRANCH_LONG = 2;
    static final int BRANCH_DOUBLE = 3;
    static final int BRANCH_DECIMAL = 4;
    static final int BRANCH_STRING = 5;
    static final int BRANCH_BYTES = 6;

    public static final Schema V1 = load();
    /** CRC-64-AVRO fingerprint of V1's parsing canonical form, as written after the magic bytes. */
    public static final long V1_FINGERPRINT = SchemaNormalization.parsingFingerprint64(V1);

    private SnapdeltaAvroSchema() {
    }

    private static Schema load() {
        try (InputStream in = SnapdeltaAvroSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (the common module's build copies schemas/ into it)");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 10-byte header: C3 01 and the fingerprint, little-endian. */
    static void writeHeader(byte[] out, long fingerprint) {
        out[0] = MAGIC_0;
        out[1] = MAGIC_1;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
    }

    static long readFingerprint(byte[] in) {
        long f = 0;
        for (int i = 0; i < 8; i++) {
            f |= (in[2 + i] & 0xFFL) << (8 * i);
        }
        return f;
    }
}
