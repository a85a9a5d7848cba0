package dev.jplay.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see the old content or the new, never a mix: the content goes to a temp file
 * in the target's directory ({@code .NAME.RANDOM.jplay-tmp}, so a rename never crosses file systems and a
 * leftover says whose it is), which is then renamed over the target. The temp file is removed when anything
 * fails. The directory must exist, unless {@link Option#CREATE_DIRECTORIES} is given.
 */
public final class AtomicFiles {
    /** What a write adds to the plain temp + rename. */
    public enum Option {
        /** fsync the temp file before the rename: the new content survives a crash once the rename does. */
        SYNC_FILE,
        /** fsync the directory after the rename: the rename itself survives a crash. */
        SYNC_DIRECTORY,
        /** Create the temp file (and so the result) readable by its owner only (0600), not 0666 less the umask. */
        OWNER_ONLY,
        /** Create the target's missing parent directories first. */
        CREATE_DIRECTORIES
    }

    /** Writes the content of the temp file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Runs on the complete temp file before the rename: set attributes, or verify what was written. */
    @FunctionalInterface
    public interface BeforeRename<E extends Exception> {
        void accept(Path temp) throws IOException, E;
    }

    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes, Option... options) throws IOException {
        write(target, out -> out.write(bytes), temp -> {}, options);
    }

    public static void write(Path target, Content content, Option... options) throws IOException {
        write(target, content, temp -> {}, options);
    }

    public static <E extends Exception> void write(Path target, byte[] bytes, BeforeRename<E> beforeRename,
                                                   Option... options) throws IOException, E {
        write(target, out -> out.write(bytes), beforeRename, options);
    }

    public static <E extends Exception> void write(Path target, Content content, BeforeRename<E> beforeRename,
                                                   Option... options) throws IOException, E {
        Set<Option> chosen = options.length == 0 ? EnumSet.noneOf(Option.class) : EnumSet.of(options[0], options);
        Path dir = target.toAbsolutePath().getParent();
        if (chosen.contains(Option.CREATE_DIRECTORIES)) Files.createDirectories(dir);
        Path temp = createTemp(dir, target.getFileName().toString(), chosen.contains(Option.OWNER_ONLY));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                content.writeTo(out);
                out.flush();
                if (chosen.contains(Option.SYNC_FILE)) channel.force(true);
            }
            beforeRename.accept(temp);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            if (chosen.contains(Option.SYNC_DIRECTORY)) fsyncDirectory(dir);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the failure that got us here is what matters
                }
            }
        }
    }

    /** fsync of a directory, so that renames and creations in it last; a no-op where the file system refuses. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UncheckedIOException e) {
            // Some file systems refuse to sync a directory; the data itself is already synced.
        }
    }

    private static Path createTemp(Path dir, String name, boolean ownerOnly) throws IOException {
        while (true) {
            // Unpredictable names are not needed: creation is exclusive, so an existing file or link is never followed.
            String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path temp = dir.resolve("." + name + "." + random + ".jplay-tmp");
            try {
                if (ownerOnly) {
                    return Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                return Files.createFile(temp);
            } catch (FileAlreadyExistsException taken) {
                // 64 random bits collided (or a leftover): draw again
            }
        }
    }
}
