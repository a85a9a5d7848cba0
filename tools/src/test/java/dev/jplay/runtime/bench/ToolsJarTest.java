package dev.jplay.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** Runs in the package phase, against target/jplay-tools-all.jar, the jar bench/images.sh runs PullUnpack from. */
class ToolsJarTest {
    static final Path JAR = Path.of("target/jplay-tools-all.jar").toAbsolutePath();

    @Test
    void allJarHoldsTheBenchmarkEntryPointAndWhatItFetchesWith() throws Exception {
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            for (String entry : List.of("dev/jplay/runtime/bench/PullUnpack.class", "dev/jplay/runtime/fetch/ImageService.class",
                    "org/apache/commons/compress/archivers/tar/TarArchiveInputStream.class")) {
                assertTrue(zip.getEntry(entry) != null, entry);
            }
        }
        Process p = new ProcessBuilder("java", "-cp", JAR.toString(), PullUnpack.class.getName()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.startsWith("usage: PullUnpack REF ROOT"), err);
    }
}
