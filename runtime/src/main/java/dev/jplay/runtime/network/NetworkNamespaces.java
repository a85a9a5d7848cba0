package dev.jplay.runtime.network;

import dev.jplay.runtime.fs.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Named network namespaces kept alive by bind mounts in a directory of the agent's state (like {@code ip netns add},
 * but not under /run/netns): each host's agent has its own state directory, so hosts that share /run/netns (test
 * fleets, containers of hosts) never see each other's names, and a namespace's name is simply the container's.
 *
 * <p>{@code unshare --net=FILE true} creates the namespace and bind-mounts it onto FILE; the mount keeps it alive
 * after {@code unshare} exits. Removing is {@code umount} + delete; the kernel frees the namespace, and with it the
 * container end of every veth, once no process (a container still running in it) holds it.
 */
final class NetworkNamespaces {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;

    NetworkNamespaces(Path dir) { this.dir = dir.toAbsolutePath().normalize(); }

    Path path(String name) { return dir.resolve(name); }

    /** A fresh namespace at {@link #path}; the caller removed any earlier one. */
    Path create(String name) {
        Path file = path(name);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.createFile(file);
        } catch (IOException e) {
            throw netnsFailed("cannot create " + file + ": " + e.getMessage(), file);
        }
        String error = run(List.of("unshare", "--net=" + file, "true"));
        if (error != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the error below says what matters
            }
            throw netnsFailed("cannot create network namespace " + file + ": " + error, file);
        }
        return file;
    }

    /** True if {@code file} is a mounted namespace (it survives as a plain file after a reboot). */
    boolean isMounted(Path file) {
        if (!Files.exists(file)) return false;
        try {
            // mountinfo shows the path with symlinks resolved
            String target = file.getParent().toRealPath().resolve(file.getFileName()).toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                int separator = line.indexOf(" - ");
                if (fields.length > 4 && separator > 0 && unescape(fields[4]).equals(target)
                        && line.substring(separator + 3).startsWith("nsfs ")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw netnsFailed("cannot read /proc/self/mountinfo: " + e.getMessage(), file);
        }
    }

    /** Unmounts and deletes; true if there was anything to remove. */
    boolean remove(Path file) {
        boolean removed = false;
        while (isMounted(file)) { // stacked mounts after a crash mid-create: peel them all
            String error = run(List.of("umount", file.toString()));
            if (error != null) throw netnsFailed("cannot unmount network namespace " + file + ": " + error, file);
            removed = true;
        }
        try {
            return Files.deleteIfExists(file) || removed;
        } catch (IOException e) {
            throw netnsFailed("cannot delete " + file + ": " + e.getMessage(), file);
        }
    }

    /** Null on success, else what went wrong. */
    private static String run(List<String> command) {
        try {
            HostCommand.Result r = HostCommand.run(command, TIMEOUT);
            return r.ok() ? null : r.failure();
        } catch (HostCommand.Failed e) {
            return e.getMessage();
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static NetworkException netnsFailed(String message, Path file) {
        return new NetworkException(NetworkException.NETNS_FAILED, message).detail("netns", file.toString());
    }
}
