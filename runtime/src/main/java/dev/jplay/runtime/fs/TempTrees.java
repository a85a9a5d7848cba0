package dev.jplay.runtime.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of temporary trees (a layer being unpacked, a layer being deleted), each owned by a live process:
 * tree {@code <name>} has a lock file {@code <name>.lock} beside it, created and locked ({@link FileClaim}) before
 * the tree and deleted only after the tree is gone. An agent killed mid-unpack leaves both behind, but the kernel
 * dropped its lock; {@link #sweep} deletes exactly the trees whose lock it can take, so a tree another agent is
 * still working in is never touched, however old it is.
 *
 * <p>A tree without a lock file was left by an agent from before this scheme. No lock can tell whether such an
 * agent still works in it, so it goes only once nothing in it has changed for {@link #LEGACY_IDLE} (an unpack
 * creates files continuously). Such trees stop appearing once every host runs an agent with this scheme.
 */
public final class TempTrees {
    static final String LOCK_SUFFIX = ".lock";
    /** How long a tree without a lock file must have been untouched before it counts as abandoned. */
    public static final Duration LEGACY_IDLE = Duration.ofHours(1);

    private final Path dir;
    private final Duration legacyIdle;

    public TempTrees(Path dir) {
        this(dir, LEGACY_IDLE);
    }

    TempTrees(Path dir, Duration legacyIdle) {
        this.dir = dir;
        this.legacyIdle = legacyIdle;
    }

    public Path dir() {
        return dir;
    }

    /** A fresh tree name, owned until closed; the tree itself is not created (create it, or rename something to it). */
    public Reservation reserve(String prefix) throws IOException {
        Files.createDirectories(dir);
        FileClaim claim = FileClaim.createUnique(dir, prefix, LOCK_SUFFIX);
        String lockName = claim.file().getFileName().toString();
        return new Reservation(claim, dir.resolve(lockName.substring(0, lockName.length() - LOCK_SUFFIX.length())));
    }

    /** One reserved tree. Closing deletes whatever is still at its path, then its lock file. */
    public static final class Reservation implements Closeable {
        private final FileClaim claim;
        private final Path path;

        private Reservation(FileClaim claim, Path path) {
            this.claim = claim;
            this.path = path;
        }

        public Path path() {
            return path;
        }

        @Override
        public void close() throws IOException {
            try {
                FileTrees.deleteTreeIfExists(path);
            } catch (IOException | RuntimeException e) {
                claim.close(); // keep the lock file: the tree is still there, a later sweep finishes it
                throw e;
            }
            claim.closeAndDelete();
        }
    }

    /** Deletes the trees no live process owns; returns the bytes of the files deleted. */
    public long sweep() throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            list.forEach(entries::add);
        }
        long reclaimed = 0;
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.endsWith(LOCK_SUFFIX)) {
                reclaimed += sweepOwned(entry, dir.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length())));
            } else if (!Files.exists(dir.resolve(name + LOCK_SUFFIX), LinkOption.NOFOLLOW_LINKS)) {
                reclaimed += sweepLegacy(entry);
            }
        }
        return reclaimed;
    }

    private static long sweepOwned(Path lockFile, Path tree) throws IOException {
        var claim = FileClaim.tryAcquire(lockFile);
        if (claim.isEmpty()) return 0; // its owner is alive
        try (FileClaim held = claim.get()) {
            long bytes = Files.exists(tree, LinkOption.NOFOLLOW_LINKS) ? FileTrees.deleteTreeCounting(tree) : 0;
            held.closeAndDelete();
            return bytes;
        }
    }

    private long sweepLegacy(Path tree) throws IOException {
        Instant idleSince = Instant.now().minus(legacyIdle);
        if (changedSince(tree, idleSince)) return 0;
        // Renamed into a tree of our own first: of two sweeping agents only one gets it.
        try (Reservation mine = reserve("legacy-")) {
            try {
                Files.move(tree, mine.path(), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                return 0;
            }
            return FileTrees.deleteTreeCounting(mine.path());
        }
    }

    /**
     * Whether anything in {@code top} (itself included) changed after {@code instant}; stops at the first. By ctime,
     * not mtime: an unpack sets each file's mtime to the layer's (often years ago) right after writing it, while
     * ctime cannot be set back.
     */
    static boolean changedSince(Path top, Instant instant) throws IOException {
        FileTime limit = FileTime.from(instant);
        boolean[] changed = {false};
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    return check(d);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    return check(file);
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished meanwhile: its directory's ctime tells
                }

                private FileVisitResult check(Path path) throws IOException {
                    FileTime ctime;
                    try {
                        ctime = (FileTime) Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException gone) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (ctime.compareTo(limit) > 0) {
                        changed[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            return true; // someone else is handling it
        }
        return changed[0];
    }
}
