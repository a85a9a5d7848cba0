package dev.jplay.runtime.fs;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One short host tool run by the runtime (ip, iptables, umount, unshare): no stdin, stdout and stderr read on their
 * own threads, and a deadline that holds even when the tool hangs with its pipes open (reading a pipe to its end
 * before waiting, as a plain loop would, waits as long as the tool does). The task module layer's
 * {@code ProcessRunner} does the same for user commands (environment, stdin, process trees) and sits above runtime.
 */
public final class HostCommand {
    /** What the tool did; {@link #failure} words a non-zero exit for an error message. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        public String failure() {
            return String.join(" ", command) + " exited " + exit + (stderr.isEmpty() ? "" : ": " + stderr);
        }
    }

    /** The tool could not start, did not finish in time, or the wait was interrupted (the message says which). */
    public static final class Failed extends IOException {
        Failed(String message) {
            super(message);
        }
    }

    private HostCommand() {}

    public static Result run(List<String> command, Duration timeout) throws Failed {
        String shown = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new Failed(shown + ": " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), HostCommand::daemon);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), HostCommand::daemon);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new Failed(shown + " timed out after "
                        + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s"));
            }
            // A child the tool left behind may hold the pipes: the output read so far is enough then.
            return new Result(List.copyOf(command), p.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failed(shown + ": interrupted");
        }
    }

    private static String text(CompletableFuture<String> output) {
        try {
            return output.get(1, TimeUnit.SECONDS).strip();
        } catch (Exception e) {
            return "";
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "jplay-host-command-output");
        t.setDaemon(true);
        t.start();
    }
}
