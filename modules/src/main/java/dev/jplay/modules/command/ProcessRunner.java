package dev.jplay.modules.command;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one process to completion with optional stdin and timeout; the timeout kills the whole tree. */
public final class ProcessRunner {
    /** How long to wait for output pipes after the process exited (a background child may hold them open). */
    static final long PIPE_GRACE_MS = 5_000;

    public record Outcome(int rc, String stdout, String stderr, Instant start, Instant end) {}

    private ProcessRunner() {}

    public static Outcome run(String module, List<String> argv, Path chdir, Map<String, String> env, byte[] stdin,
                       Duration timeout, boolean stripEnds) throws ModuleException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (chdir != null) pb.directory(chdir.toFile());
        pb.environment().putAll(env);
        Instant start = Instant.now();
        Process process;
        try {
            process = ProcessTrees.start(pb);
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "EXEC_FAILED", module + ": cannot run " + argv.get(0)
                    + (chdir == null ? "" : " in " + chdir) + ": " + e.getMessage(), e).detail("cmd", argv);
        }
        try {
            OutputCapture out = new OutputCapture(process.getInputStream(), "jplay-stdout-" + process.pid());
            OutputCapture err = new OutputCapture(process.getErrorStream(), "jplay-stderr-" + process.pid());
            feed(process, stdin);
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            boolean exited = timeout == null ? waitFor(process) : process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!exited) {
                List<ProcessHandle> killed = ProcessTrees.kill(process.toHandle());
                out.await(1_000);
                err.await(1_000);
                throw new ModuleException(Step.EXEC, "TIMEOUT", module + ": " + String.join(" ", argv)
                        + " did not finish within " + timeout.toMillis() + " ms; killed it and its "
                        + (killed.size() - 1) + " child process(es)")
                        .detail("cmd", argv).detail("pids", killed.stream().map(ProcessHandle::pid).toList())
                        .detail("stdout", out.text(stripEnds)).detail("stderr", err.text(stripEnds));
            }
            long grace = Math.min(PIPE_GRACE_MS, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            out.await(grace);
            err.await(grace);
            return new Outcome(process.exitValue(), out.text(stripEnds), err.text(stripEnds), start, Instant.now());
        } catch (InterruptedException e) {
            ProcessTrees.kill(process.toHandle());
            Thread.currentThread().interrupt();
            throw new ModuleException(Step.EXEC, "INTERRUPTED", module + ": interrupted while running "
                    + String.join(" ", argv) + "; killed it", e);
        } finally {
            ProcessTrees.untrack(process.toHandle());
        }
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    /** Writes stdin on its own thread (a child may fill its stdout before reading all input), then closes it. */
    private static void feed(Process process, byte[] stdin) {
        OutputStream in = process.getOutputStream();
        if (stdin == null || stdin.length == 0) {
            closeQuietly(in);
            return;
        }
        Thread t = new Thread(() -> {
            try (in) {
                in.write(stdin);
            } catch (IOException e) {
                // The child exited without reading all its input: that is its business.
            }
        }, "jplay-stdin-" + process.pid());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
