package dev.jplay.engine.schedule;

import dev.jplay.reports.ReportFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Crash-safe file replacement: temp file, fsync, rename, then fsync of the directory so the rename lasts. */
final class AtomicFiles {
    private AtomicFiles() {}

    static void write(Path target, byte[] bytes) throws IOException {
        ReportFiles.writeAtomically(target, bytes);
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to sync a directory; the data itself is already synced.
        }
    }
}
