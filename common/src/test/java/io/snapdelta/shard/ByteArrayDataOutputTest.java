package io.snapdelta.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import org.junit.jupiter.api.Test;

class ByteArrayDataOutputTest {
    private static void writeAll(DataOutput out) throws IOException {
        out.writeByte(0x81);
        out.writeBoolean(true);
        out.writeShort(-2);
        out.writeChar('\u20ac');
        out.writeInt(0xCAFEBABE);
        out.writeLong(Long.MIN_VALUE + 12345);
        out.writeFloat(1.5f);
        out.writeDouble(-0.0);
        out.write(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        out.writeBytes("ab\u0101");
        out.writeChars("x\u0101");
        // ASCII, NUL (two bytes in modified UTF-8), two- and three-byte chars, a surrogate pair (two 3-byte units)
        out.writeUTF("plain");
        out.writeUTF("a\u0000b\u00e9\u20ac\ud83d\ude00");
        out.writeUTF("");
        for (int i = 0; i < 300; i++) {
            out.writeLong(i * 0x0101010101010101L); // grows the buffer several times
        }
    }

    @Test
    void writesExactlyTheBytesOfADataOutputStream() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {
            writeAll(out);
        }
        ByteArrayDataOutput actual = new ByteArrayDataOutput(1);
        writeAll(actual);
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());
    }

    @Test
    void resetStartsAgainWithoutTheEarlierBytes() throws IOException {
        ByteArrayDataOutput out = new ByteArrayDataOutput(16);
        out.writeLong(42);
        out.reset().writeShort(7);
        assertArrayEquals(new byte[] {0, 7}, out.toByteArray());
    }

    @Test
    void refusesAStringLongerThanModifiedUtf8Allows() {
        String tooLong = "\u20ac".repeat(21846); // 65,538 bytes encoded
        assertThrows(UTFDataFormatException.class, () -> new ByteArrayDataOutput(16).writeUTF(tooLong));
    }
}
