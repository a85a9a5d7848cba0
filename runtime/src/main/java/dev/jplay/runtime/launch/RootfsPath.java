package dev.jplay.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path as the container would see it: symlinks (absolute or relative) and ".." are evaluated inside the
 * rootfs, never escaping to the host. An image whose /etc/passwd links to /etc/shadow reads the rootfs's
 * /etc/shadow, not the host's.
 */
final class RootfsPath {
    private static final int MAX_LINKS = 40;

    private RootfsPath() {}

    static Path resolve(Path rootfs, String containerPath) throws IOException {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, containerPath);
        Deque<String> resolved = new ArrayDeque<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                resolved.pollLast();
                continue;
            }
            Path candidate = join(rootfs, resolved).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) throw new IOException("too many symlinks resolving " + containerPath + " in " + rootfs);
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) resolved.clear();
                push(pending, target);
            } else {
                resolved.addLast(part);
            }
        }
        Path result = join(rootfs, resolved);
        if (Files.isSymbolicLink(result)) throw new IOException("unresolved symlink " + result);
        return result;
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
    }

    private static Path join(Path rootfs, Deque<String> parts) {
        Path p = rootfs;
        for (String part : parts) p = p.resolve(part);
        return p;
    }

    static boolean isRegularFile(Path p) { return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS); }
}
