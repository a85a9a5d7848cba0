package dev.jplay.runtime.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Recursive delete that never follows symlinks: walkFileTree without FOLLOW_LINKS visits a link as a file, so
 * a link to elsewhere (in a rootfs, a user's tree) loses only the link, never its target.
 */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code top} and everything under it; a missing {@code top} is an error (NoSuchFileException). */
    public static void deleteTree(Path top) throws IOException {
        deleteTreeCounting(top);
    }

    /** As {@link #deleteTree}; returns the bytes of the regular files it deleted (what a cleanup reclaimed). */
    public static long deleteTreeCounting(Path top) throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                if (attrs.isRegularFile()) bytes[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        return bytes[0];
    }

    /** Like {@link #deleteTree} but does nothing when {@code top} does not exist (not even as a dangling link). */
    public static void deleteTreeIfExists(Path top) throws IOException {
        if (Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(top);
        }
    }
}
