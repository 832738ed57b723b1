package io.snapdelta.format;

import io.snapdelta.format.CorruptBatchException.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: the writer refuses unpaired surrogates, the reader refuses malformed bytes. */
final class Utf8 {
    private Utf8() {
    }

    /** UTF-8 bytes of {@code s}; throws if {@code s} holds an unpaired surrogate (it would not round trip). */
    static byte[] encode(String s, String context) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length != s.length()) {
            // Non-ASCII: check for unpaired surrogates, which getBytes silently replaces by '?'.
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException(context + ": string has an unpaired surrogate at index " + i
                            + " and cannot be encoded as UTF-8");
                }
            }
        }
        return b;
    }

    static String decode(ByteSource in, byte[] buf, int off, int len, String what) throws CorruptBatchException {
        boolean ascii = true;
        for (int i = off; i < off + len; i++) {
            if (buf[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(buf, off, len, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw in.error(Kind.MALFORMED, what + " is not valid UTF-8");
        }
    }
}
