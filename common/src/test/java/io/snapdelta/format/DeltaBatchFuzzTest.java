package io.snapdelta.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the reader (Jazzer). In the normal suite this runs in regression mode:
 * every input under {@code src/test/resources/io/snapdelta/format/DeltaBatchFuzzTestInputs/<method>/}
 * (seeds from the golden vectors, plus any crash the fuzzer ever found). For a real fuzzing run see
 * {@code common/FUZZING.md}. Only {@link CorruptBatchException} may come out of the reader.
 */
class DeltaBatchFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void arbitrarySealedBytesOnlyRaiseCorruptBatchException(byte[] data) {
        FuzzTargets.decode(data);
    }

    @FuzzTest(maxDuration = "2m")
    void arbitraryBodyBehindValidHeaderOnlyRaisesCorruptBatchException(byte[] data) {
        FuzzTargets.decode(FuzzTargets.bodyInput(data));
    }

    @FuzzTest(maxDuration = "2m")
    void arbitraryV2BodyBehindValidHeaderOnlyRaisesCorruptBatchException(byte[] data) {
        FuzzTargets.decode(FuzzTargets.bodyInputV2(data));
    }

    @FuzzTest(maxDuration = "2m")
    void arbitraryV3BodyBehindValidHeaderOnlyRaisesCorruptBatchException(byte[] data) {
        FuzzTargets.decode(FuzzTargets.bodyInputV3(data));
    }

    @FuzzTest(maxDuration = "2m")
    void arbitraryV4BodyBehindValidHeaderOnlyRaisesCorruptBatchException(byte[] data) {
        FuzzTargets.decode(FuzzTargets.bodyInputV4(data));
    }
}
