package dev.jplay.modules.files;

import dev.jplay.io.AtomicFiles;
import dev.jplay.io.AtomicFiles.Option;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Replaces a file so that readers see the old or the new content, never a mix, even across a crash
 * ({@link AtomicFiles}: temp file in the same directory, fsync, rename, fsync of the directory), with the
 * attributes set on the temp file before the rename.
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
        write(module, target, out -> out.write(content), attributes, keep, temp -> {});
    }

    /** As above with content streamed in, and {@code verify} run on the complete temp file before anything else. */
    static void write(String module, Path target, AtomicFiles.Content content, FileAttributes attributes, FileInfo keep,
                      AtomicFiles.BeforeRename<ModuleException> verify) throws ModuleException {
        try {
            AtomicFiles.write(target, content, temp -> {
                verify.accept(temp);
                // The temp file is created 0600: a new file gets 0644, a replaced file keeps its mode and owner.
                if (keep != null && keep.exists()) {
                    Files.setAttribute(temp, "unix:mode", keep.mode());
                    Files.setAttribute(temp, "unix:uid", keep.uid());
                    Files.setAttribute(temp, "unix:gid", keep.gid());
                } else {
                    Files.setAttribute(temp, "unix:mode", 0644);
                }
                attributes.apply(temp);
            }, Option.SYNC_FILE, Option.SYNC_DIRECTORY, Option.OWNER_ONLY);
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "WRITE_FAILED", module + ": cannot write " + target + ": " + e, e);
        }
    }
}
