package dev.jplay.runtime.snapshot;

import dev.jplay.runtime.unpack.ConfinedTree;
import dev.jplay.runtime.unpack.FileMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The no-overlay fallback: copies layers bottom to top into one directory, applying overlay whiteouts (0:0
 * devices delete) and opaque directories (emptied first), with the same confinement as unpacking: a directory in
 * an upper layer replaces a lower symlink instead of being written through it, as overlayfs does.
 * Xattrs are not copied (a known gap of this fallback).
 */
final class Flattener {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;

    private Flattener() {}

    static void flatten(List<Path> layersBottomToTop, List<List<String>> opaqueDirs, Path rootfs) throws IOException {
        ConfinedTree tree = new ConfinedTree(rootfs);
        for (int i = 0; i < layersBottomToTop.size(); i++) {
            for (String dir : opaqueDirs.get(i)) {
                tree.clearDirectory(dir);
            }
            copyLayer(layersBottomToTop.get(i), tree);
        }
        tree.finish();
    }

    private static void copyLayer(Path layer, ConfinedTree tree) throws IOException {
        Map<Object, String> firstPathOfInode = new HashMap<>();
        Files.walkFileTree(layer, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                tree.directory(rel(layer, dir), meta(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(layer, file);
                Map<String, Object> unix = Files.readAttributes(file, "unix:mode,rdev,nlink", LinkOption.NOFOLLOW_LINKS);
                int type = (Integer) unix.get("mode") & S_IFMT;
                long rdev = (Long) unix.get("rdev");
                if (type == S_IFCHR && rdev == 0) {
                    tree.remove(rel); // whiteout
                    return FileVisitResult.CONTINUE;
                }
                if ((Integer) unix.get("nlink") > 1 && !attrs.isDirectory()) {
                    String first = firstPathOfInode.putIfAbsent(attrs.fileKey(), rel);
                    if (first != null) {
                        tree.hardlink(rel, first);
                        return FileVisitResult.CONTINUE;
                    }
                }
                FileMeta meta = meta(file);
                if (attrs.isSymbolicLink()) {
                    tree.symlink(rel, Files.readSymbolicLink(file).toString(), meta);
                } else if (attrs.isRegularFile()) {
                    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                        tree.file(rel, in, attrs.size(), meta);
                    }
                } else if (type == S_IFIFO) {
                    tree.fifo(rel, meta);
                } else if (type == S_IFCHR || type == S_IFBLK) {
                    tree.device(rel, type == S_IFCHR ? 'c' : 'b', major(rdev), minor(rdev), meta);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String rel(Path layer, Path path) {
        return layer.relativize(path).toString();
    }

    private static FileMeta meta(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,lastModifiedTime,lastAccessTime",
                LinkOption.NOFOLLOW_LINKS);
        return new FileMeta((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"),
                (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("lastAccessTime"));
    }

    /** glibc's gnu_dev_major/minor. */
    private static long major(long dev) {
        return ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
    }

    private static long minor(long dev) {
        return ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
    }
}
