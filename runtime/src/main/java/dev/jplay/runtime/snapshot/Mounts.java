package dev.jplay.runtime.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** mount(8)/umount(8) and /proc/self/mountinfo. */
final class Mounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {}

    static boolean isMountPoint(Path path) throws IOException {
        if (onOtherDevice(path)) return true; // an overlay (or any other file system) mounted there: no mountinfo scan
        String target = path.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ", 6);
            if (fields.length > 4 && unescape(fields[4]).equals(target)) {
                return true;
            }
        }
        return false;
    }

    /** A directory on another device than its parent is a mount point (a bind mount of the same file system is not seen). */
    private static boolean onOtherDevice(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) return false;
        try {
            return !Files.getAttribute(absolute, "unix:dev").equals(Files.getAttribute(parent, "unix:dev"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    static boolean overlaySupported() {
        try {
            return Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Runs {@code command} in {@code workDir} (relative mount options resolve there). */
    static void run(List<String> command, Path workDir) throws IOException {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", command) + " timed out in " + workDir);
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed in " + workDir + " (exit "
                        + process.exitValue() + "): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        } finally {
            process.destroy();
        }
    }
}
