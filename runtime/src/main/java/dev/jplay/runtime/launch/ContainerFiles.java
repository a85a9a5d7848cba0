package dev.jplay.runtime.launch;

import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The files of one container under {@code <state>/containers/<name>/}. The bundle is this directory itself
 * ({@code config.json}; its {@code root.path} points at the caller's rootfs). The supervisor writes
 * {@code supervisor.pid}, {@code started_at}/{@code finished_at} (epoch ms), {@code exit_code},
 * {@code restart_count}, and its log writer the output ({@code <name>-json.log}, see {@link LogWriterScript}); jplay
 * writes {@code stop_requested} to stop it for good, and {@code start_at_boot} while a container with a restart
 * policy is meant to run (what the boot restore starts, see {@link ContainerLifecycle#startAtBoot}).
 */
record ContainerFiles(Path dir) {

    /** The files of container {@code name} under {@code containersDir}; a name that is not one path segment is refused. */
    static ContainerFiles of(Path containersDir, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new LaunchException(Step.ARGS, "BAD_NAME", "invalid container name '" + name + "'");
        }
        return new ContainerFiles(containersDir.resolve(name));
    }

    Path config() { return dir.resolve("config.json"); }
    Path spec() { return dir.resolve("spec.json"); }
    /** The output in Docker's json-file form, as Docker names it ({@code <id>-json.log}); rotated ones end in .1, .2, ... */
    Path jsonLog() { return dir.resolve(dir.getFileName() + "-json.log"); }
    Path logWriterScript() { return dir.resolve("log-writer.pl"); }
    Path runtimeLog() { return dir.resolve("runc.log"); }
    Path exitCode() { return dir.resolve("exit_code"); }
    Path startedAt() { return dir.resolve("started_at"); }
    Path finishedAt() { return dir.resolve("finished_at"); }
    Path restartCount() { return dir.resolve("restart_count"); }
    Path supervisorPid() { return dir.resolve("supervisor.pid"); }
    Path supervisorScript() { return dir.resolve("supervise.sh"); }
    Path stopRequested() { return dir.resolve("stop_requested"); }
    Path startAtBoot() { return dir.resolve("start_at_boot"); }

    boolean exists() { return Files.isRegularFile(spec()); }

    Integer readInt(Path file) {
        String text = readString(file);
        if (text == null) return null;
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null; // being rewritten; the caller polls again
        }
    }

    Instant readEpochMillis(Path file) {
        String text = readString(file);
        try {
            return text == null ? null : Instant.ofEpochMilli(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new LaunchException(Step.INSPECT, "STATE_UNREADABLE", "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Write-then-rename, so readers (and a crash) never see half a file. */
    static void writeAtomically(Path file, String content) throws IOException {
        AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    }
}
