package dev.jplay.runtime.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * What the JDK cannot do: mknod/mkfifo, times of a FIFO or device, and xattrs outside the {@code user.} namespace.
 * Runs the coreutils {@code mknod}/{@code touch} and attr's {@code setfattr} with the tree root as working directory
 * and {@code ./relative} paths, whose parent directories the caller has verified to be real directories.
 * Whiteouts are hardlinks to one 0:0 device per unpack (as the kernel's own overlayfs does), so a layer with
 * thousands of whiteouts costs one process.
 *
 * <p>A FIFO or device is never opened: opening a FIFO blocks until a writer appears (an unpack that set a FIFO's
 * times through the JDK, which opens the file, hung for good), and opening a device reaches its driver. Its times
 * are set when it is created, by {@code touch -h -c} (utimensat with AT_SYMLINK_NOFOLLOW, no open), in the same
 * process as {@code mknod}.
 */
final class SpecialFiles {
    private static final long TIMEOUT_SECONDS = 60;
    private static final Executor OUTPUT_READERS = runnable -> {
        Thread thread = new Thread(runnable, "jplay-unpack-tool-output");
        thread.setDaemon(true);
        thread.start();
    };

    private final Path root;

    SpecialFiles(Path root) {
        this.root = root;
    }

    /** mknod, then times; positional parameters: path, mtime, atime ("" for none), mknod's type [major minor]. */
    private static final String CREATE = "f=$1 m=$2 a=$3; shift 3; mknod -- \"$f\" \"$@\" || exit"
            + "; [ -z \"$m\" ] || touch -h -c -d \"$m\" -- \"$f\" || exit"
            + "; [ \"$a\" = \"$m\" ] || touch -h -c -a -d \"$a\" -- \"$f\"";

    /**
     * Creates a FIFO ({@code type} 'p') or a character ('c') or block ('b') device at {@code rel} with its times,
     * in one process and without opening it. {@code mtime} null leaves the times alone.
     */
    void create(String rel, char type, long major, long minor, FileTime mtime, FileTime atime) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", CREATE, "sh", "./" + rel,
                touchTime(mtime), touchTime(mtime == null ? null : atime), String.valueOf(type)));
        if (type != 'p') {
            command.addAll(List.of(Long.toString(major), Long.toString(minor)));
        }
        run(command, null, rel);
    }

    /** touch's {@code -d @SECONDS.NANOS} (exact, any sign), or "" for none. */
    static String touchTime(FileTime time) {
        if (time == null) {
            return "";
        }
        Instant t = time.toInstant();
        return "@" + BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9)).toPlainString();
    }

    /** One xattr to set, on the entry at {@code rel} (never through a symlink: setfattr runs with -h). */
    record Xattr(String rel, String name, byte[] value) {}

    /** Applies all {@code xattrs} with a single {@code setfattr --restore} (package "attr"). */
    void setXattrs(List<Xattr> xattrs) throws IOException {
        if (xattrs.isEmpty()) {
            return;
        }
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        String previous = null;
        for (Xattr x : xattrs) {
            if (!x.name().matches("[A-Za-z0-9_.:@+-]+")) {
                throw new UnpackException("xattr name '" + x.name() + "' on " + root.resolve(x.rel()) + " is not supported");
            }
            if (!x.rel().equals(previous)) {
                dump.writeBytes(("\n# file: " + quote(x.rel().isEmpty() ? "." : "./" + x.rel()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                previous = x.rel();
            }
            dump.writeBytes((x.name() + "=0s" + Base64.getEncoder().encodeToString(x.value()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        run(List.of("setfattr", "-h", "--restore=-"), dump.toByteArray(), xattrs.size() + " xattrs");
    }

    /** getfattr's dump quoting: octal escapes for anything that is not plain printable ASCII. */
    static String quote(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '\\') {
                out.append((char) c);
            } else {
                out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                        .append((char) ('0' + (c & 7)));
            }
        }
        return out.toString();
    }

    private void run(List<String> command, byte[] stdin, String what) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UnpackException("cannot run " + command.get(0) + " for " + what + " in " + root
                    + (command.get(0).equals("setfattr") ? " (install the Debian package 'attr')" : ""), e);
        }
        try {
            // read on the side, so the deadline holds even if the command hangs with its output open
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    return "(output unreadable: " + e.getMessage() + ")";
                }
            }, OUTPUT_READERS);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new UnpackException(command.get(0) + " for " + what + " in " + root + " did not finish within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new UnpackException(String.join(" ", command) + " failed in " + root + " (exit "
                        + process.exitValue() + "): " + finished(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnpackException("interrupted while running " + command.get(0) + " in " + root, e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** The output of a command that has exited (its reader needs a moment to reach the end). */
    private static String finished(CompletableFuture<String> output) throws InterruptedException {
        try {
            return output.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "(output not available: " + e + ")";
        }
    }

    /** Creates a 0:0 character device in a fresh private directory beside {@code tree}; caller deletes it. */
    static Path newWhiteoutTemplate(Path tree) throws IOException {
        Path dir = Files.createTempDirectory(tree.toAbsolutePath().getParent(), ".whiteout-");
        new SpecialFiles(dir).create("whiteout", 'c', 0, 0, null, null);
        return dir.resolve("whiteout");
    }
}
