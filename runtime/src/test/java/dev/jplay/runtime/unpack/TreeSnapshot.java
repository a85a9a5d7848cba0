package dev.jplay.runtime.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A comparable description of a directory tree, never following symlinks: per path its type, mode, owner, size,
 * content hash, symlink target, device numbers, and (separately) its hardlink group (other paths, same inode).
 */
public final class TreeSnapshot {
    private TreeSnapshot() {}

    /** path → "type mode uid:gid size hash/target[ mtime]". */
    public static Map<String, String> of(Path root, boolean withMtimes) throws IOException {
        return of(root, withMtimes, true);
    }

    /** Like {@link #of(Path, boolean)}, optionally leaving out directory mtimes. */
    public static Map<String, String> of(Path root, boolean withMtimes, boolean directoryMtimes) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Map<Object, List<String>> inodes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                out.put(key(root, dir), describe(dir, attrs, withMtimes, directoryMtimes));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                out.put(key(root, file), describe(file, attrs, withMtimes, directoryMtimes));
                if (!attrs.isDirectory()) {
                    inodes.computeIfAbsent(attrs.fileKey(), k -> new ArrayList<>()).add(key(root, file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (List<String> group : inodes.values()) {
            if (group.size() > 1) {
                group.sort(null);
                for (String p : group) {
                    out.put(p, out.get(p) + " links=" + group);
                }
            }
        }
        return out;
    }

    /** Human-readable differences between two snapshots, "" when equal. */
    public static String diff(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder diff = new StringBuilder();
        java.util.Set<String> all = new java.util.TreeSet<>(expected.keySet());
        all.addAll(actual.keySet());
        for (String path : all) {
            if (!java.util.Objects.equals(expected.get(path), actual.get(path))) {
                diff.append("\n").append(path).append("\n  expected: ").append(expected.get(path))
                        .append("\n  actual:   ").append(actual.get(path));
                if (diff.length() > 4000) {
                    break;
                }
            }
        }
        return diff.toString();
    }

    private static String key(Path root, Path p) {
        String rel = root.relativize(p).toString();
        return rel.isEmpty() ? "/" : rel;
    }

    static String describe(Path p, BasicFileAttributes attrs, boolean withMtimes, boolean directoryMtimes) throws IOException {
        Map<String, Object> u = Files.readAttributes(p, "unix:mode,uid,gid,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) u.get("mode");
        StringBuilder s = new StringBuilder();
        s.append(String.format("%06o %s:%s", mode, u.get("uid"), u.get("gid")));
        if (attrs.isSymbolicLink()) {
            s.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (attrs.isRegularFile()) {
            s.append(' ').append(attrs.size()).append(' ').append(sha256(p));
        } else if (attrs.isOther()) {
            s.append(" rdev=").append(u.get("rdev"));
        }
        if (withMtimes && !attrs.isSymbolicLink() && (!attrs.isDirectory() || directoryMtimes)) {
            s.append(" mtime=").append(attrs.lastModifiedTime().toMillis() / 1000);
        }
        return s.toString();
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
