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
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int room = MAX_OUTPUT_BYTES - kept.size();
                if (room > 0) kept.write(buffer, 0, Math.min(room, n));
            }
        } catch (IOException closed) {
            // the process was killed: keep what was read
        }
        return kept.toString(StandardCharsets.UTF_8);
    }
}
