package io.snapdelta.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link Codec} contract, run against every codec. */
class CodecContractTest {
    static final byte[] SAMPLE = "account 17 balance -4211; teller 3 balance 9; ".repeat(40).getBytes(StandardCharsets.UTF_8);

    static Stream<Arguments> codecs() {
        CompressionDictionary dict = CompressionDictionary.of("account teller balance branch history ".repeat(30).getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("none", (Supplier<Codec>) NoneCodec::new),
                Arguments.of("zstd-1", (Supplier<Codec>) () -> new ZstdCodec(1)),
                Arguments.of("zstd-19", (Supplier<Codec>) () -> new ZstdCodec(19)),
                Arguments.of("zstd-dict-3", (Supplier<Codec>) () -> new ZstdDictionaryCodec(3, dict)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void compressedBytesDecompressToTheInputInAFreshInstance(String name, Supplier<Codec> codec) throws Exception {
        try (Codec writer = codec.get(); Codec reader = codec.get()) {
            byte[] c = writer.compress(SAMPLE, 0, SAMPLE.length);
            byte[] out = new byte[SAMPLE.length];
            reader.decompress(c, 0, c.length, out);
            assertArrayEquals(SAMPLE, out);
            if (writer.id() != CodecId.NONE) {
                assertTrue(c.length < SAMPLE.length / 4, name + " compressed " + SAMPLE.length + " to " + c.length);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void outputIsDeterministic(String name, Supplier<Codec> codec) {
        try (Codec a = codec.get(); Codec b = codec.get()) {
            byte[] first = a.compress(SAMPLE, 0, SAMPLE.length);
            assertArrayEquals(first, a.compress(SAMPLE, 0, SAMPLE.length));
            assertArrayEquals(first, b.compress(SAMPLE, 0, SAMPLE.length));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void wrongLengthOrGarbageIsACodecExceptionAndTheInstanceStaysUsable(String name, Supplier<Codec> codec) throws Exception {
        try (Codec c = codec.get()) {
            byte[] compressed = c.compress(SAMPLE, 0, SAMPLE.length);
            assertThrows(CodecException.class, () -> c.decompress(compressed, 0, compressed.length, new byte[SAMPLE.length - 1]));
            assertThrows(CodecException.class, () -> c.decompress(compressed, 0, compressed.length, new byte[SAMPLE.length + 1]));
            byte[] garbage = compressed.clone();
            for (int i = 0; i < garbage.length; i += 3) {
                garbage[i] = (byte) (garbage[i] * 31 + 7);
            }
            try {
                byte[] out = new byte[SAMPLE.length];
                c.decompress(garbage, 0, garbage.length, out);
            } catch (CodecException expected) {
                // fine: garbage either fails cleanly or decodes to something of the right length
            }
            byte[] out = new byte[SAMPLE.length];
            c.decompress(compressed, 0, compressed.length, out);
            assertArrayEquals(SAMPLE, out);
        }
    }
}
