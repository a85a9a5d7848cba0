package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of jplay's unpacker next to GNU {@code tar -xzpf} on the same gzip layer, in the same run; both
 * trees must come out identical. Figures are printed, not asserted (2 shared cores make timings noisy).
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class UnpackSpeedTest {
    @TempDir
    Path tmp;

    @Test
    void fewBigFiles() throws Exception {
        Path blob = layer("big.tar.gz", 4, 40 << 20, 40 << 20);
        compare("4 big files", blob, 4);
    }

    @Test
    void manySmallFiles() throws Exception {
        Path blob = layer("small.tar.gz", 20_000, 512, 4096);
        compare("20k small files", blob, 20_000);
    }

    private void compare(String name, Path blob, int files) throws Exception {
        long jplayNanos = Long.MAX_VALUE;
        long tarNanos = Long.MAX_VALUE;
        UnpackResult r = null;
        for (int round = 0; round < 2; round++) { // alternate, best of two: the disk is shared and noisy
            sync();
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(blob)) {
                r = new LayerUnpacker().unpack(in, null, tmp.resolve("jplay" + round), UnpackLimits.defaults());
            }
            jplayNanos = Math.min(jplayNanos, System.nanoTime() - t0);
            sync();
            Path out = Files.createDirectories(tmp.resolve("tar" + round));
            t0 = System.nanoTime();
            Process tar = new ProcessBuilder("tar", "-xzpf", blob.toString(), "-C", out.toString()).inheritIO().start();
            assertEquals(0, tar.waitFor());
            tarNanos = Math.min(tarNanos, System.nanoTime() - t0);
        }
        System.out.printf("[unpack speed] %s: %.1f MB tar (%.1f MB gzip), jplay %.0f ms = %.0f MB/s, %.0f files/s"
                        + " | tar -xzpf %.0f ms = %.0f MB/s, %.0f files/s%n",
                name, r.bytes() / 1e6, Files.size(blob) / 1e6,
                jplayNanos / 1e6, r.bytes() / 1e6 / (jplayNanos / 1e9), files / (jplayNanos / 1e9),
                tarNanos / 1e6, r.bytes() / 1e6 / (tarNanos / 1e9), files / (tarNanos / 1e9));
        // GNU tar applies a directory's mtime when extraction leaves it, so files written into it later (this
        // layer alternates directories) leave it at "now"; jplay sets directory times after all content
        Map<String, String> expected = TreeSnapshot.of(tmp.resolve("tar1"), true, false);
        expected.remove("/");
        Map<String, String> actual = TreeSnapshot.of(tmp.resolve("jplay1"), true, false);
        actual.remove("/");
        assertEquals(files + Math.min(100, files), actual.size());
        assertEquals("", TreeSnapshot.diff(expected, actual), "GNU tar (expected) vs jplay");
        for (String dir : List.of("jplay1/d0", "jplay1/d" + (Math.min(100, files) - 1))) {
            assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(tmp.resolve(dir)), dir);
        }
    }

    private static void sync() throws Exception {
        assertEquals(0, new ProcessBuilder("sync").inheritIO().start().waitFor());
    }

    /** {@code count} files of random (incompressible) sizes between min and max, in 100 directories. */
    private Path layer(String name, int count, int min, int max) throws IOException {
        Path blob = tmp.resolve(name);
        Random random = new Random(42);
        byte[] data = new byte[max];
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 20);
             OutputStream gz = new GZIPOutputStream(file, 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             };
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            for (int d = 0; d < Math.min(100, count); d++) {
                TarArchiveEntry dir = new TarArchiveEntry("d" + d + "/");
                dir.setModTime(TarBuilder.MTIME);
                tar.putArchiveEntry(dir);
                tar.closeArchiveEntry();
            }
            for (int i = 0; i < count; i++) {
                int size = min + random.nextInt(max - min + 1);
                random.nextBytes(data);
                TarArchiveEntry e = new TarArchiveEntry("d" + (i % 100) + "/f" + i);
                e.setSize(size);
                e.setMode(i % 7 == 0 ? 0755 : 0644);
                e.setModTime(TarBuilder.MTIME);
                tar.putArchiveEntry(e);
                tar.write(data, 0, size);
                tar.closeArchiveEntry();
            }
        }
        return blob;
    }
}
