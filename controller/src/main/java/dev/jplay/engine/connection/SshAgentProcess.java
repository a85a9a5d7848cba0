package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;

/**
 * An agent behind an SSH exec channel. Destroying it also ends the host's connection when no other agent of the
 * host (its login-user or privileged twin) still uses it.
 */
final class SshAgentProcess implements AgentProcess {
    private final SharedClients.Lease connection;
    private final Session session;
    private final Session.Command command;
    private final OutputTail stderr;

    SshAgentProcess(SharedClients.Lease connection, Session session, Session.Command command, String hostName) {
        this.connection = connection;
        this.session = session;
        this.command = command;
        this.stderr = new OutputTail(command.getErrorStream(), 4096, "jplay-agent-stderr-" + hostName);
    }

    @Override public InputStream stdout() { return command.getInputStream(); }
    @Override public OutputStream stdin() { return command.getOutputStream(); }
    @Override public String stderrTail(Duration wait) { return stderr.awaitTail(wait.toMillis()); }

    @Override
    public String exitDescription(Duration wait) {
        try {
            command.join(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            // Not ended in time or connection lost: report what is known.
        }
        Signal signal = command.getExitSignal();
        if (signal != null) return "killed by signal " + signal;
        Integer status = command.getExitStatus();
        return status == null ? null : "exit status " + status;
    }

    /** An SFTP session on the host's connection: a second channel, the agent's lines are not touched. */
    @Override
    public FileStaging staging() throws IOException {
        return SftpStaging.open(connection.client());
    }

    /** Closes this exec channel but keeps the connection (used between provisioning steps). */
    void closeChannel() {
        try {
            command.close();
        } catch (IOException | RuntimeException e) {
            // Already closed by the other side.
        }
        try {
            session.close();
        } catch (IOException | RuntimeException e) {
            // Same channel as the command.
        }
    }

    /**
     * Ends the connection without closing the channel first: sshd answers a channel close only once the command
     * has exited, and a first-run agent JVM still writes its class-data archive after its last answer. The
     * agent sees end of input either way; nothing waits for it. On a connection another agent still uses, only
     * this channel's input ends (the agent finishes and exits; a frozen one goes with the connection at the end).
     */
    @Override
    public void abandon() {
        connection.abandon();
    }

    @Override
    public void destroy() {
        if (connection.release()) return;
        try {
            command.getOutputStream().close();
        } catch (IOException | RuntimeException e) {
            // Already closed.
        }
    }
}
