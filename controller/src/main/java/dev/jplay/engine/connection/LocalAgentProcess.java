package dev.jplay.engine.connection;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** An agent running as a subprocess of the controller. */
final class LocalAgentProcess implements AgentProcess {
    private final Process process;
    private final OutputTail stderr;

    LocalAgentProcess(Process process, String hostName) {
        this.process = process;
        this.stderr = new OutputTail(process.getErrorStream(), 4096, "jplay-agent-stderr-" + hostName);
    }

    @Override public InputStream stdout() { return process.getInputStream(); }
    @Override public OutputStream stdin() { return process.getOutputStream(); }
    @Override public String stderrTail(Duration wait) { return stderr.awaitTail(wait.toMillis()); }

    @Override
    public String exitDescription(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        int status = process.exitValue();
        // The JVM reports death by signal N as 128+N.
        return status > 128 ? "exit status " + status + " (signal " + (status - 128) + ")" : "exit status " + status;
    }

    @Override
    public void destroy() {
        // SIGTERM first: a JVM ending its first run may still be writing its class-data archive; it gets a few
        // seconds in the background (nobody waits), then it is killed.
        process.destroy();
        process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .whenComplete((p, timeout) -> { if (timeout != null) process.destroyForcibly(); });
    }
}
