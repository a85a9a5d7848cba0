package dev.jplay.engine.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** An agent running as a subprocess of the controller. */
final class LocalAgentProcess implements AgentProcess {
    private final Process process;
    private final OutputTail stderr;
    /** The agent records its class-data archive as it exits, under a shell that renames it into place after. */
    private final boolean recording;
    private final InputStream stdout;
    private volatile boolean outputEnded;

    LocalAgentProcess(Process process, String hostName) {
        this(process, hostName, false);
    }

    LocalAgentProcess(Process process, String hostName, boolean recording) {
        this.process = process;
        this.stderr = new OutputTail(process.getErrorStream(), 4096, "jplay-agent-stderr-" + hostName);
        this.recording = recording;
        this.stdout = new FilterInputStream(process.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) outputEnded = true;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) outputEnded = true;
                return n;
            }
        };
    }

    @Override public InputStream stdout() { return stdout; }
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
        // An agent that closed its output is exiting on its own; one recording its class-data archive takes a moment
        // more for the dump, and a signal now would only lose the archive (its shell renames it after a normal exit).
        if (recording && outputEnded) return;
        // SIGTERM first: a JVM ending its first run may still be writing its class-data archive; it gets a few
        // seconds in the background (nobody waits), then it is killed.
        if (recording) process.descendants().forEach(ProcessHandle::destroy); // the JVM under the recording shell
        process.destroy();
        process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .whenComplete((p, timeout) -> {
                    if (timeout == null) return;
                    if (recording) process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                });
    }
}
