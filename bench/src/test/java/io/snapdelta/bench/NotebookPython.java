package io.snapdelta.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the notebooks' Python (notebooks/snapdelta_results.py, its unittest, the notebook itself) with Debian's
 * {@code /usr/bin/python3}: the Jupyter kernel the notebook runs on, and where the Debian packages it needs
 * are installed. A missing interpreter or module is a test failure naming the install command, never a skip.
 */
final class NotebookPython {
    static final String PYTHON = "/usr/bin/python3";
    static final String MODULES = "nbconvert, nbclient, pandas, matplotlib, ipykernel";
    static final String INSTALL = "apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient python3-ipykernel "
            + "python3-pandas python3-matplotlib (or run .ci/run, which installs what is missing)";

    /** The repository root: tests run in the module's directory (bench/). */
    static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    static final Path NOTEBOOKS = ROOT.resolve("notebooks");

    private NotebookPython() {
    }

    record Outcome(int exitCode, String output) {
    }

    /** Fails the calling test unless /usr/bin/python3 imports every module the notebook needs. */
    static void requireTools(Path scratch) throws Exception {
        assertTrue(Files.isExecutable(Paths.get(PYTHON)), PYTHON + " is missing; the notebook tests need Debian's Python 3 with "
                + MODULES + ": " + INSTALL);
        Outcome o = run(List.of(PYTHON, "-c", "import " + MODULES), NOTEBOOKS, Map.of(), scratch, 120);
        if (o.exitCode() != 0) {
            fail(PYTHON + " cannot import " + MODULES + ", which the notebook tests need; install them with: " + INSTALL
                    + "\n" + o.output());
        }
    }

    /**
     * Runs a command with the environment Jupyter, IPython and matplotlib need so that nothing is written under
     * $HOME (their state goes under {@code scratch/jhome}) and no bytecode cache lands in notebooks/.
     */
    static Outcome run(List<String> command, Path workDir, Map<String, String> extraEnv, Path scratch, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path jhome = scratch.resolve("jhome");
        for (String d : List.of("runtime", "data", "config", "ipython", "mpl")) {
            Files.createDirectories(jhome.resolve(d));
        }
        Path log = Files.createTempFile(scratch, "python-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("SNAPDELTA_RESULTS");
        env.remove("SNAPDELTA_FIGURES");
        env.put("JUPYTER_RUNTIME_DIR", jhome.resolve("runtime").toString());
        env.put("JUPYTER_DATA_DIR", jhome.resolve("data").toString());
        env.put("JUPYTER_CONFIG_DIR", jhome.resolve("config").toString());
        env.put("IPYTHONDIR", jhome.resolve("ipython").toString());
        env.put("MPLCONFIGDIR", jhome.resolve("mpl").toString());
        env.put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.putAll(extraEnv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            fail("could not start " + command.get(0) + " (" + e.getMessage() + "); install the notebook tools with: " + INSTALL);
            throw e;
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
