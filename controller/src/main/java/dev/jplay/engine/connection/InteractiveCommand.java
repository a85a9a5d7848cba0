package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;
import dev.jplay.protocol.Step;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.PTYMode;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.connection.channel.direct.Signal;

/**
 * One command on a host's SSH session channel of its own, optionally on a terminal (a pty, as {@code ssh -t} gives),
 * with its stdin, stdout and stderr handed to the caller: what {@code jplay exec -t --interactive} runs
 * {@code runc exec -t} on. With {@link Become} the command runs through sudo (or doas); a password is written on the
 * channel after the wrapper asks for it ({@link BecomeScripts}'s way: never on a command line, never in the
 * environment) and the terminal's echo is off until then, so it is never shown. {@link #open} returns once the
 * wrapper says the command starts: everything the caller reads after that is the command's.
 */
public final class InteractiveCommand implements AutoCloseable {
    static final String READY_MARKER = "JPLAY-EXEC-READY";
    /** Bytes of wrapper output read at most while waiting for {@link #READY_MARKER}. */
    private static final int MAX_PREAMBLE = 64 * 1024;

    /** A terminal's type and size ({@code TERM}, columns, rows). */
    public record Pty(String term, int columns, int rows) {}

    private final SSHClient client;
    private final Session session;
    private final Session.Command command;

    private InteractiveCommand(SSHClient client, Session session, Session.Command command) {
        this.client = client;
        this.session = session;
        this.command = command;
    }

    /** The shell command line: the become wrapper (when any) around {@code argv}, announcing the start with a marker. */
    static String script(List<String> argv, Become become) {
        StringBuilder quoted = new StringBuilder();
        for (String a : argv) quoted.append(quoted.length() == 0 ? "" : " ").append(RemoteScripts.quote(a));
        String c = quoted.toString();
        String ready = "echo " + READY_MARKER + "; ";
        if (become == null) return ready + "exec " + c;
        String as = RemoteScripts.quote(become.user());
        String flags = become.flags() == null ? "" : " " + become.flags();
        StringBuilder s = new StringBuilder();
        s.append("[ \"$(id -un)\" = ").append(as).append(" ] && { ").append(ready).append("exec ").append(c).append("; }\n");
        switch (become.method()) {
            case "sudo" -> {
                String sudoN = "sudo -n" + flags + " -u " + as + " --";
                String sudoS = "sudo -S -k -p ''" + flags + " -u " + as + " --";
                s.append("E=$(").append(sudoN).append(" true 2>&1 </dev/null) && { ").append(ready).append("exec ").append(sudoN)
                        .append(' ').append(c).append("; }\n");
                s.append("case \"$E\" in *'password is required'*) ;; *) ").append(failed()).append(";; esac\n");
                s.append("echo ").append(BecomeScripts.PASSWORD_MARKER).append('\n');
                s.append("IFS= read -r P || exit 1\n");
                // Checked first with a sudo whose stdin ends after it (one try, not three); the second copy is sudo's own.
                s.append("E=$(printf '%s\\n' \"$P\" | ").append(sudoS).append(" true 2>&1) || { P=; ").append(failed()).append("; }\n");
                s.append("P=\n");
                s.append(ready).append("exec ").append(sudoS).append(' ').append(c).append('\n');
            }
            case "doas" -> {
                String doas = "doas -n" + flags + " -u " + as;
                s.append("E=$(").append(doas).append(" true 2>&1 </dev/null) || { ").append(failed()).append("; }\n");
                s.append(ready).append("exec ").append(doas).append(' ').append(c).append('\n');
            }
            // su reads a password from a terminal only, and would read it from ours: refused unless already that user.
            default -> s.append("E=\"").append(become.method()).append(" cannot run an interactive command without a password prompt on "
                    + "the terminal; use sudo\"; ").append(failed()).append('\n');
        }
        return s.toString();
    }

    private static String failed() {
        return "printf '%s %s\\n' " + BecomeScripts.FAILED_MARKER.strip() + " \"$(printf '%s' \"$E\" | tr '\\n' ' ')\"; exit 1";
    }

    /**
     * Starts {@code argv} on {@code client}'s host and waits (at most {@code startTimeout}) until the wrapper starts it.
     * The caller owns the connection from then on: {@link #close} ends it.
     */
    static InteractiveCommand open(SSHClient client, HostTarget target, List<String> argv, Pty pty, Duration startTimeout)
            throws ConnectionException {
        String host = target.describe();
        Session session = null;
        try {
            session = client.startSession();
            if (pty != null) {
                // Echo off until the command's own terminal takes over (runc puts ours in raw mode): a become password
                // written before that is never echoed back.
                session.allocatePTY(pty.term(), pty.columns(), pty.rows(), 0, 0, Map.of(PTYMode.ECHO, 0));
            }
            Session.Command cmd = session.exec(script(argv, target.become()));
            InteractiveCommand running = new InteractiveCommand(client, session, cmd);
            running.awaitStart(target, startTimeout);
            return running;
        } catch (IOException e) {
            closeQuietly(session);
            throw new ConnectionException(host, Step.CONNECT, "CONNECTION_LOST", "cannot start an interactive command: " + e.getMessage(), e);
        } catch (ConnectionException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Reads the wrapper's output up to {@link #READY_MARKER}: answers a password request, turns a refusal into a
     * located become failure. A bounded read in a bounded time: a wrapper that never says ready is given up on.
     */
    private void awaitStart(HostTarget target, Duration timeout) throws IOException, ConnectionException {
        InputStream in = command.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean passwordSent = false;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new ConnectionException(target.describe(), Step.BECOME, "TIMEOUT", "the command did not start within "
                        + timeout.toSeconds() + " s");
            }
            if (in.available() == 0) {
                if (!command.isOpen() && in.available() == 0) break;
                sleepBriefly();
                continue;
            }
            int b = in.read();
            if (b < 0) break;
            seen.write(b);
            String text = seen.toString(StandardCharsets.UTF_8);
            if (text.endsWith(READY_MARKER + "\n") || text.endsWith(READY_MARKER + "\r\n")) return;
            // On a terminal a line ends in \r\n.
            if (!passwordSent && (text.contains(BecomeScripts.PASSWORD_MARKER + "\n") || text.contains(BecomeScripts.PASSWORD_MARKER + "\r\n"))) {
                String password = target.become().password();
                if (password == null) throw BecomeFailure.passwordRequired(target);
                OutputStream out = command.getOutputStream();
                out.write((password + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                passwordSent = true;
            }
            int failed = text.indexOf(BecomeScripts.FAILED_MARKER);
            if (failed >= 0 && (text.endsWith("\n"))) {
                throw BecomeFailure.of(target, text.substring(failed + BecomeScripts.FAILED_MARKER.length()).strip());
            }
            if (seen.size() > MAX_PREAMBLE) break;
        }
        String said = seen.toString(StandardCharsets.UTF_8).strip();
        throw new ConnectionException(target.describe(), Step.BECOME, "EXEC_FAILED", "the command did not start"
                + (said.isEmpty() ? "" : ": " + said.substring(0, Math.min(said.length(), 300))));
    }

    private static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the command", e);
        }
    }

    /** The command's stdout (and, on a terminal, its stderr too). */
    public InputStream stdout() {
        return command.getInputStream();
    }

    public InputStream stderr() {
        return command.getErrorStream();
    }

    public OutputStream stdin() {
        return command.getOutputStream();
    }

    /** Tells the command's terminal its new size (the local one was resized). */
    public void resize(int columns, int rows) throws IOException {
        if (command instanceof Session.Shell shell) shell.changeWindowDimensions(columns, rows, 0, 0);
    }

    /** Waits for the command to end; its exit status, or null when it ended by a signal ({@link #signal()}). */
    public Integer waitFor() throws IOException {
        command.join();
        return command.getExitStatus();
    }

    /** Waits at most {@code timeout}; false when it still runs. */
    public boolean waitFor(Duration timeout) throws IOException {
        command.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return !command.isOpen();
    }

    public String signal() {
        Signal s = command.getExitSignal();
        return s == null ? null : s.name();
    }

    /** Ends the command (HUP, as a closed terminal does) if it still runs, then the channel and the connection. */
    @Override
    public void close() {
        try {
            if (command.isOpen()) command.signal(Signal.HUP);
        } catch (IOException | RuntimeException e) {
            // already gone
        }
        closeQuietly(session);
        SshConnector.disconnectQuietly(client);
    }

    private static void closeQuietly(Session session) {
        if (session == null) return;
        try {
            session.close();
        } catch (IOException | RuntimeException e) {
            // closing a channel of a connection that is going away
        }
    }
}
