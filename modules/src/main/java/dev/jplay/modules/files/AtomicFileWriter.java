package dev.jplay.modules.files;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that readers see the old or the new content, never a mix, even across a crash: write a
 * temp file in the same directory, fsync it, set its attributes, rename it over the target, fsync the
 * directory.
 */
final class AtomicFileWriter {
    private AtomicFileWriter() {}

    /**
     * @param attributes applied to the temp file before the rename
     * @param keep       the current file, whose mode/owner/group the new file inherits unless attributes say
     *                   otherwise (null when there is none)
     */
    static void write(String module, Path target, byte[] content, FileAttributes attributes, FileInfo keep)
            throws ModuleException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".jplay-tmp");
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            // createTempFile makes 0600: a new file gets 0644, a replaced file keeps its mode and owner.
            if (keep != null && keep.exists()) {
                Files.setAttribute(temp, "unix:mode", keep.mode());
                Files.setAttribute(temp, "unix:uid", keep.uid());
                Files.setAttribute(temp, "unix:gid", keep.gid());
            } else {
                Files.setAttribute(temp, "unix:mode", 0644);
            }
            attributes.apply(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "WRITE_FAILED", module + ": cannot write " + target + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is what matters
                }
            }
        }
    }
}
