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

    /**
     * UTF-8 bytes of {@code s}; throws if {@code s} holds an unpaired surrogate (it would not round trip).
     *
     * @param context names the value in the error message; its {@code toString()} is called only then
     */
    static byte[] encode(String s, Object context) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        // Equal lengths mean one byte per char: ASCII, unless a lone surrogate was replaced by a '?' byte.
        if (b.length != s.length() || hasReplacedChar(s, b)) {
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

    /** True if some '?' byte stands for a char that is not '?' (lengths equal, so positions match). */
    private static boolean hasReplacedChar(String s, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '?' && s.charAt(i) != '?') {
                return true;
            }
        }
        return false;
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
