package io.snapdelta.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** .ci/run reads the test command from README.md's marked block; this checks the block is there and read. */
class CiRunsTheReadmeTestCommandTest {

    @Test
    void ciRunExtractsTheSingleCommandOfTheReadmesTestBlock() throws Exception {
        Path root = OptionsReferenceIsUpToDateTest.projectRoot();
        Process p = new ProcessBuilder(root.resolve(".ci/run").toString(), "--print-test-command")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), ".ci/run --print-test-command did not finish");
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), printed);
        String command = printed.strip();
        assertTrue(command.startsWith("./mvnw "), "the test command runs the Maven wrapper: " + command);
        assertEquals(1, printed.lines().count(), printed);
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("<!-- test-command:"), "README.md lost its test-command marker");
        assertTrue(readme.contains("```bash\n" + command + "\n```"), "README.md shows the command CI runs: " + command);
    }
}
