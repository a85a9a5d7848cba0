package dev.jplay.runtime.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the JDK cannot do: mknod/mkfifo and xattrs outside the {@code user.} namespace. Runs the coreutils
 * {@code mknod}/{@code mkfifo} and attr's {@code setfattr} with the tree root as working directory and
 * {@code ./relative} paths, whose parent directories the caller has verified to be real directories.
 * Whiteouts are hardlinks to one 0:0 device per unpack (as the kernel's own overlayfs does), so a layer with
 * thousands of whiteouts costs one process.
 */
final class SpecialFiles {
    private final Path root;

    SpecialFiles(Path root) {
        this.root = root;
    }

    void mknod(String rel, char type, long major, long minor) throws IOException {
        run(List.of("mknod", "./" + rel, String.valueOf(type), Long.toString(major), Long.toString(minor)), null, rel);
    }

    void mkfifo(String rel) throws IOException {
        run(List.of("mkfifo", "./" + rel), null, rel);
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
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new UnpackException(command.get(0) + " for " + what + " in " + root + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new UnpackException(String.join(" ", command) + " failed in " + root + " (exit "
                        + process.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnpackException("interrupted while running " + command.get(0) + " in " + root, e);
        } finally {
            process.destroy();
        }
    }

    /** Creates a 0:0 character device in a fresh private directory beside {@code tree}; caller deletes it. */
    static Path newWhiteoutTemplate(Path tree) throws IOException {
        Path dir = Files.createTempDirectory(tree.toAbsolutePath().getParent(), ".whiteout-");
        new SpecialFiles(dir).mknod("whiteout", 'c', 0, 0);
        return dir.resolve("whiteout");
    }
}
