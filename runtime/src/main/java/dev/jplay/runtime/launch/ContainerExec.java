package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code runc exec}: runs a command inside a running container, as a health check does. */
public final class ContainerExec {
    private static final int MAX_OUTPUT_BYTES = 4000;

    private final RuncRuntime runtime;

    public ContainerExec(RuncRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @param exitCode the command's exit status; null when it did not finish within the timeout
     * @param output stdout and stderr interleaved, the first {@value #MAX_OUTPUT_BYTES} bytes
     */
    public record Result(Integer exitCode, String output) {
        public boolean timedOut() { return exitCode == null; }
    }

    /** Runs {@code argv} in container {@code id}; a command that outlives {@code timeout} is signalled (TERM, then KILL). */
    public Result run(String id, List<String> argv, Duration timeout) {
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString(), "--root", runtime.root().toString(), "exec", id));
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LaunchException(Step.INSPECT, "RUNTIME_NOT_FOUND", "cannot execute " + runtime.binary() + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy(); // runc exec forwards the signal to the command
                if (!process.waitFor(1, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
                return new Result(null, output.join());
            }
            return new Result(process.exitValue(), output.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LaunchException(Step.INSPECT, "INTERRUPTED", "interrupted running a command in '" + id + "'");
        }
    }

    /** Keeps the first bytes and drains the rest, so the command never blocks on a full pipe. */
    private static String readBounded(InputStream in) {
        return readBounded(in, MAX_OUTPUT_BYTES).text();
    }

    /** The first {@code max} bytes of a stream, read to its end; {@code truncated} when there were more. */
    private record Bounded(String text, boolean truncated) {}

    private static Bounded readBounded(InputStream in, int max) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        boolean truncated = false;
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int room = max - kept.size();
                if (room > 0) kept.write(buffer, 0, Math.min(room, n));
                if (n > room) truncated = true;
            }
        } catch (IOException closed) {
            // the process was killed: keep what was read
        }
        return new Bounded(kept.toString(StandardCharsets.UTF_8), truncated);
    }

    /** What to run in a container, as {@code docker exec} takes it: argv, extra environment, working directory. */
    public record Request(List<String> argv, List<String> env, String workdir) {
        public Request {
            if (argv == null || argv.isEmpty()) throw new IllegalArgumentException("no command to run");
            env = env == null ? List.of() : List.copyOf(env);
            argv = List.copyOf(argv);
        }
    }

    /**
     * What {@link #capture} saw. {@code exitCode} is the command's, or Docker's 126 (found, cannot be run) or 127
     * (not found) when runc could not start it ({@code startError} then holds runc's words); null after a timeout.
     */
    public record Captured(Integer exitCode, String stdout, String stderr, boolean truncated, boolean timedOut, String startError) {}

    /** Exit codes Docker gives a command that could not be started: 126 cannot execute, 127 not found. */
    public static final int CANNOT_EXECUTE = 126;
    public static final int NOT_FOUND = 127;

    /**
     * {@code runc exec} of {@code request} in container {@code id}, stdin empty, stdout and stderr kept apart (the first
     * {@code maxBytes} of each, the rest drained). A command that outlives {@code timeout} (null: none) is signalled
     * (TERM, then KILL after a second) and reported {@code timedOut} with what it printed so far.
     */
    public Captured capture(String id, Request request, Duration timeout, int maxBytes) {
        ProcessBuilder pb = new ProcessBuilder(command(id, request, false));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LaunchException(Step.EXEC, "RUNTIME_NOT_FOUND", "cannot execute " + runtime.binary() + ": " + e.getMessage(), e);
        }
        CompletableFuture<Bounded> out = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream(), maxBytes));
        CompletableFuture<Bounded> err = CompletableFuture.supplyAsync(() -> readBounded(process.getErrorStream(), maxBytes));
        try {
            boolean exited = timeout == null ? waitForever(process) : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroy(); // runc exec forwards the signal to the command
                if (!process.waitFor(1, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
            Bounded o = out.join();
            Bounded e = err.join();
            if (!exited) return new Captured(null, o.text(), e.text(), o.truncated() || e.truncated(), true, null);
            int rc = process.exitValue();
            Integer startFailure = startFailure(rc, e.text());
            if (startFailure != null) return new Captured(startFailure, o.text(), "", false, false, e.text().strip());
            return new Captured(rc, o.text(), e.text(), o.truncated() || e.truncated(), false, null);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LaunchException(Step.EXEC, "INTERRUPTED", "interrupted running a command in '" + id + "'");
        }
    }

    private static boolean waitForever(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    /**
     * Docker's code for a command runc could not start, or null when the command ran. runc reports that with status
     * 255 and "exec failed: ... executable file not found" (or "no such file", "permission denied") on stderr; a
     * command that exits 255 itself prints no such line.
     */
    static Integer startFailure(int rc, String stderr) {
        if (rc != 255 || !(stderr.contains("exec failed") || stderr.contains("unable to start container process"))) return null;
        if (stderr.contains("permission denied") || stderr.contains("is a directory")) return CANNOT_EXECUTE;
        if (stderr.contains("not found") || stderr.contains("no such file or directory")) return NOT_FOUND;
        return CANNOT_EXECUTE;
    }

    /**
     * The {@code runc exec} command line for {@code request}: {@code tty} adds {@code -t} (runc then makes a terminal
     * for the command and puts the caller's terminal in raw mode), as {@code docker exec -t} does.
     */
    public List<String> command(String id, Request request, boolean tty) {
        List<String> command = new ArrayList<>(List.of(runtime.binary().toString(), "--root", runtime.root().toString(), "exec"));
        if (tty) command.add("-t");
        for (String e : request.env()) {
            command.add("--env");
            command.add(e);
        }
        if (request.workdir() != null) {
            command.add("--cwd");
            command.add(request.workdir());
        }
        command.add(id);
        command.addAll(request.argv());
        return command;
    }
}
