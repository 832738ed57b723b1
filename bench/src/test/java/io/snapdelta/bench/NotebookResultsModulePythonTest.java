package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python unittest of notebooks/snapdelta_results.py (values read against the committed results in
 * notebooks/results/latest, goal checks on both sides of every threshold), run as part of the Maven build.
 */
class NotebookResultsModulePythonTest {
    @TempDir
    Path scratch;

    @Test
    void pythonUnittestOfTheResultsModulePasses() throws Exception {
        Path tests = NotebookPython.NOTEBOOKS.resolve("test_snapdelta_results.py");
        assertTrue(Files.isRegularFile(tests), "the notebook module's tests are missing at " + tests);
        NotebookPython.requireTools(scratch);
        NotebookPython.Outcome o = NotebookPython.run(
                List.of(NotebookPython.PYTHON, "-m", "unittest", "-v", "test_snapdelta_results"),
                NotebookPython.NOTEBOOKS, Map.of(), scratch, 180);
        assertEquals(0, o.exitCode(), "the Python unittest of notebooks/snapdelta_results.py failed:\n" + o.output());
        // A run that found no tests also exits 0 on older Pythons: insist that they ran.
        Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(o.output());
        assertTrue(ran.find() && Integer.parseInt(ran.group(1)) >= 20, "expected the unittest to run its tests:\n" + o.output());
        assertTrue(o.output().contains("\nOK"), o.output());
    }
}
