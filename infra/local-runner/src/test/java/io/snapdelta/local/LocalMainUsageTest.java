package io.snapdelta.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors are found before any server starts, named, and exit with 2; --help exits with 0. */
class LocalMainUsageTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheOptionsAndExitsZero() {
        var run = LocalMainITCase.run("--help");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.out().contains("--input") && run.out().contains("--summary-json") && run.out().contains("--format"), run.out());
    }

    @Test
    void unknownFormatIsAUsageError() throws IOException {
        Path input = Files.writeString(dir.resolve("x.jsonl"), "{}\n");
        var run = LocalMainITCase.run("--input", input.toString(), "--format", "protobuf");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("Unknown input format 'protobuf'"), run.err());
    }

    @Test
    void missingInputFileIsAUsageError() {
        var run = LocalMainITCase.run("--input", dir.resolve("nope.jsonl").toString());
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("nope.jsonl does not exist"), run.err());
    }

    @Test
    void unknownOptionKeyIsAUsageErrorNamingTheKey() {
        var run = LocalMainITCase.run("--job.checkpoint.intervall", "1s");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("job.checkpoint.intervall"), run.err());
    }

    @Test
    void invalidOptionValueIsAUsageErrorNamingKeyAndValue() {
        var run = LocalMainITCase.run("--job.checkpoint.interval", "soon");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("soon") && run.err().contains("job.checkpoint.interval"), run.err());
    }

    @Test
    void aManagedMemoryThatIsNotASizeIsAUsageErrorNamingTheOptionAndValue() {
        var run = LocalMainITCase.run("--managed-memory", "lots");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("--managed-memory: managed memory 'lots' is not a memory size"), run.err());
        var zero = LocalMainITCase.run("--managed-memory", "0m");
        assertEquals(2, zero.exitCode(), zero.output());
        assertTrue(zero.err().contains("managed memory must be more than zero, got '0m'"), zero.err());
    }

    @Test
    void aFlinkDirectoryThatIsAFileIsAUsageErrorNamingTheOptionAndValue(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
        var run = LocalMainITCase.run("--flink-dir", file.toString());
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.err().contains("--flink-dir: Flink directory '" + file + "' is not a directory"), run.err());
    }

    @Test
    void invalidTimeoutsAreUsageErrorsNamingTheOption() {
        var stall = LocalMainITCase.run("--stall-timeout", "0s");
        assertEquals(2, stall.exitCode(), stall.output());
        assertTrue(stall.err().contains("--stall-timeout must be positive"), stall.err());
        var total = LocalMainITCase.run("--timeout", "soon");
        assertEquals(2, total.exitCode(), total.output());
        assertTrue(total.err().contains("--timeout: 'soon' is not a duration"), total.err());
    }
}
