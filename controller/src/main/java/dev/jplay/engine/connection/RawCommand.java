package dev.jplay.engine.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;

/**
 * Runs one command line as it is, without the agent (Ansible's {@code raw}): over an SSH exec channel, where the
 * login shell of the remote user reads it, or with {@code /bin/sh -c} on the controller for a local host. Output is
 * drained as it comes and its last {@link #KEEP_BYTES} per stream are kept; the timeout ends the command.
 */
public final class RawCommand {
    /** Enough for any status output; a command that prints more keeps its end (where errors are). */
    public static final int KEEP_BYTES = 1024 * 1024;

    private RawCommand() {}

    /**
     * What a raw command did. {@code rc} is null when it did not exit by itself ({@code signal} or {@code timedOut}
     * say why); {@code truncated} when either stream was longer than what is kept.
     */
    public record Result(Integer rc, String stdout, String stderr, String signal, boolean timedOut, boolean truncated) {}

    static Result overSsh(SSHClient client, String host, String command, Duration timeout) throws IOException {
        try (Session session = client.startSession()) {
            Session.Command cmd = session.exec(command);
            cmd.getOutputStream().close(); // stdin: nothing to give (as Ansible's raw without a tty)
            OutputTail out = new OutputTail(cmd.getInputStream(), KEEP_BYTES, "jplay-raw-stdout-" + host);
            OutputTail err = new OutputTail(cmd.getErrorStream(), KEEP_BYTES, "jplay-raw-stderr-" + host);
            boolean timedOut = false;
            try {
                cmd.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ConnectionException e) {
                if (!cmd.isOpen()) throw e; // connection lost, not a timeout
                timedOut = true;
            }
            if (cmd.isOpen()) timedOut = true;
            if (timedOut) {
                try {
                    cmd.signal(Signal.KILL); // OpenSSH 7.9+ delivers it; closing alone leaves the command running
                } catch (IOException | RuntimeException e) {
                    // Older server or channel already gone: closing is all that is left.
                }
                cmd.close();
            }
            out.awaitTail(2000);
            err.awaitTail(2000);
            Signal signal = cmd.getExitSignal();
            Integer rc = timedOut ? null : cmd.getExitStatus();
            return new Result(rc, out.kept(), err.kept(), signal == null ? null : signal.name(), timedOut,
                    out.truncated() || err.truncated());
        }
    }

    static Result local(String command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        OutputTail out = new OutputTail(p.getInputStream(), KEEP_BYTES, "jplay-raw-stdout-local");
        OutputTail err = new OutputTail(p.getErrorStream(), KEEP_BYTES, "jplay-raw-stderr-local");
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a local raw command", e);
        }
        if (!exited) p.destroyForcibly();
        out.awaitTail(2000);
        err.awaitTail(2000);
        return new Result(exited ? p.exitValue() : null, out.kept(), err.kept(), null, !exited, out.truncated() || err.truncated());
    }
}
