package io.snapdelta.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkLibDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void acceptsALibWithTheRuntimeAndRestJarsAndBuildsAWildcardClasspath() throws IOException {
        jar("flink-runtime-2.2.1.jar", "org/apache/flink/runtime/X.class");
        jar("flink-runtime-web-2.2.1.jar", "org/apache/flink/runtime/webmonitor/Y.class");
        FlinkLibDirectory lib = FlinkLibDirectory.of(dir);
        assertEquals(2, lib.jars().size());
        assertEquals(dir.toAbsolutePath().normalize() + "/*", lib.classpath());
    }

    @Test
    void rejectsAMissingDirectoryNamingTheBuildCommand() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FlinkLibDirectory.of(dir.resolve("absent")));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("infra/flink-lib"), e.getMessage());
    }

    @Test
    void rejectsALibWithoutTheRestJar() throws IOException {
        jar("flink-runtime-2.2.1.jar", "org/apache/flink/runtime/X.class");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FlinkLibDirectory.of(dir));
        assertTrue(e.getMessage().contains("flink-runtime-web-"), e.getMessage());
    }

    @Test
    void rejectsUserCodeOnTheClusterClasspath() throws IOException {
        jar("flink-runtime-2.2.1.jar", "org/apache/flink/runtime/X.class");
        jar("flink-runtime-web-2.2.1.jar", "org/apache/flink/runtime/webmonitor/Y.class");
        jar("innocent-looking-1.0.jar", "io/snapdelta/job/SnapdeltaJob.class");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FlinkLibDirectory.of(dir));
        assertTrue(e.getMessage().contains("innocent-looking-1.0.jar") && e.getMessage().contains("io/snapdelta"), e.getMessage());
    }

    @Test
    void rejectsTheKafkaConnectorOnTheClusterClasspath() throws IOException {
        jar("flink-runtime-2.2.1.jar", "org/apache/flink/runtime/X.class");
        jar("flink-runtime-web-2.2.1.jar", "org/apache/flink/runtime/webmonitor/Y.class");
        jar("flink-connector-kafka-5.0.0-2.2.jar", "org/apache/flink/connector/kafka/Z.class");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FlinkLibDirectory.of(dir));
        assertTrue(e.getMessage().contains("belongs in the job jar"), e.getMessage());
    }

    @Test
    void theSystemPropertyMustBeSet() {
        String before = System.getProperty(FlinkLibDirectory.PROPERTY);
        System.clearProperty(FlinkLibDirectory.PROPERTY);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, FlinkLibDirectory::fromSystemProperty);
            assertTrue(e.getMessage().contains(FlinkLibDirectory.PROPERTY), e.getMessage());
        } finally {
            if (before != null) {
                System.setProperty(FlinkLibDirectory.PROPERTY, before);
            }
        }
    }

    private void jar(String name, String entry) throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve(name)); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            zip.closeEntry();
        }
    }
}
