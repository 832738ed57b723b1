package io.snapdelta.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * A short coverage-guided fuzzing run of the v3 body decoder (also v4's: the current version's body is v3's) on every build: the {@code brief-fuzzing}
 * surefire execution of this module runs this class with {@code JAZZER_FUZZ=1}, so Jazzer mutates inputs
 * for {@code maxDuration} instead of only replaying saved ones (the default execution replays them, as for
 * {@link DeltaBatchFuzzTest}). A crash fails the build and is written under
 * {@code src/test/resources/io/snapdelta/format/DeltaBatchBriefFuzzTestInputs/}: keep it as a regression
 * input. Seeded with copies of the v3 body seeds of {@link DeltaBatchFuzzTest}. Longer runs: {@code common/FUZZING.md}.
 */
class DeltaBatchBriefFuzzTest {
    @FuzzTest(maxDuration = "15s")
    void briefFuzzOfTheV3BodyDecoderOnlyRaisesCorruptBatchException(byte[] data) {
        FuzzTargets.decode(FuzzTargets.bodyInputV3(data));
    }
}
