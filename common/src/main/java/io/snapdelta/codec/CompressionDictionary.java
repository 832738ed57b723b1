package io.snapdelta.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * An immutable zstd dictionary and its id: the first 4 bytes, big-endian, of SHA-256 over the dictionary
 * bytes (0 is reserved for "no dictionary", so a hash of 0 becomes 1). Anyone holding the bytes can check
 * the id; two dictionaries never share an id unless SHA-256 prefixes collide, which stores detect.
 */
public final class CompressionDictionary {
    private final int id;
    private final byte[] bytes;

    private CompressionDictionary(int id, byte[] bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    public static CompressionDictionary of(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a dictionary must not be empty");
        }
        byte[] copy = bytes.clone();
        return new CompressionDictionary(idOf(copy), copy);
    }

    public static int idOf(byte[] bytes) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
            int id = ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    public int id() {
        return id;
    }

    /** The dictionary bytes (shared; do not modify). */
    byte[] bytes() {
        return bytes;
    }

    public byte[] copyOfBytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** The id as written in file names and logs: 8 lower-case hex digits. */
    public static String idHex(int id) {
        return String.format("%08x", id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompressionDictionary d && d.id == id && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "dictionary " + idHex(id) + " (" + bytes.length + " bytes)";
    }
}
