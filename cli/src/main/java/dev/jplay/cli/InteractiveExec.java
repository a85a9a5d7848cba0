package dev.jplay.cli;

import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.InteractiveCommand;
import dev.jplay.engine.connection.Connections;
import dev.jplay.protocol.AgentResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code jplay exec -t --interactive}: the host's agent checks the instance runs and names the {@code runc exec -t}
 * command line (module {@code container_exec}, {@code prepare}); that command then runs on an SSH channel of its own
 * with a pty of the local terminal's size ({@link InteractiveCommand}), as the become user when {@code -b} is given.
 * The local terminal is in raw mode meanwhile (keys, Ctrl-C included, go to the command), its size follows
 * resizes (SIGWINCH), and it is restored however the command ends.
 */
final class InteractiveExec {
    private static final Duration PREPARE_WAIT = Duration.ofSeconds(120);
    /** How long output still arriving after the command's exit status is copied. */
    private static final long DRAIN_MILLIS = 2000;

    private final FleetAgents agents;
    private final PrintStream err;

    InteractiveExec(FleetAgents agents, PrintStream err) {
        this.agents = agents;
        this.err = err;
    }

    int run(String host, String instance, Map<String, Object> request, boolean tty, boolean interactive, Duration connectTimeout)
            throws InterruptedException {
        Optional<LocalTerminal> terminal = LocalTerminal.current();
        if (tty && interactive && terminal.isEmpty()) {
            err.println("jplay: exec: the input device is not a TTY (use --interactive without -t, or run it in a terminal)");
            return ExecCommand.JPLAY_ERROR;
        }
        Map<String, Object> args = new LinkedHashMap<>(request);
        args.put("prepare", true);
        args.put("tty", tty);
        FleetAgents.Answer a = FleetAgents.await(host, agents.callAsync(host, "container_exec", args, null), PREPARE_WAIT);
        if (!a.ok()) {
            err.println("jplay: exec: " + host + ": " + a.describe());
            return ExecCommand.JPLAY_ERROR;
        }
        List<String> command = command(a.result());
        if (command.isEmpty()) {
            err.println("jplay: exec: " + host + ": the agent named no command to run for " + instance);
            return ExecCommand.JPLAY_ERROR;
        }
        InteractiveCommand.Pty pty = null;
        if (tty) {
            int[] size = terminal.map(LocalTerminal::size).orElse(new int[] {80, 24});
            String term = System.getenv().getOrDefault("TERM", "xterm");
            pty = new InteractiveCommand.Pty(term, size[0], size[1]);
        }
        Connections connections = agents.connections();
        try (InteractiveCommand running = connections.interactive(agents.target(host), command, pty, connectTimeout.plusSeconds(30))) {
            boolean raw = tty && interactive && terminal.get().raw();
            try {
                if (tty) terminal.ifPresent(t -> t.onResize(size -> {
                    try {
                        running.resize(size[0], size[1]);
                    } catch (IOException e) {
                        // the channel is closing: nothing to resize
                    }
                }));
                Thread out = pump(running.stdout(), System.out, "jplay-exec-stdout");
                Thread errs = pump(running.stderr(), System.err, "jplay-exec-stderr");
                if (interactive) {
                    pumpStdin(running.stdin());
                } else {
                    running.stdin().close(); // docker exec without -i: the command reads EOF
                }
                Integer status = running.waitFor();
                out.join(DRAIN_MILLIS);
                errs.join(DRAIN_MILLIS);
                if (status != null) return status;
                String signal = running.signal();
                err.println((raw ? "\r\n" : "") + "jplay: exec: " + host + ": " + instance + ": ended by signal " + signal);
                return 128 + signalNumber(signal);
            } finally {
                if (raw) terminal.get().restore();
            }
        } catch (ConnectionException e) {
            err.println("jplay: exec: " + host + ": " + e.step().id() + "/" + e.code() + ": " + e.getMessage());
            return ExecCommand.JPLAY_ERROR;
        } catch (IOException e) {
            err.println("jplay: exec: " + host + ": the connection ended: " + e.getMessage());
            return ExecCommand.JPLAY_ERROR;
        } catch (IllegalArgumentException e) {
            err.println("jplay: exec: " + host + ": " + e.getMessage());
            return ExecCommand.JPLAY_ERROR;
        }
    }

    /** The agent's answer is untrusted: only the strings under data.command. */
    private static List<String> command(AgentResult r) {
        List<String> out = new ArrayList<>();
        if (r.data() != null && r.data().get("command") instanceof List<?> list) {
            for (Object o : list) if (o instanceof String s) out.add(s);
        }
        return out;
    }

    private static Thread pump(InputStream in, OutputStream out, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the channel closed
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Local stdin to the command as it is typed; at its end, EOF to the command (as docker exec -i does). */
    private static void pumpStdin(OutputStream remote) {
        InputStream local = System.in;
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (remote) {
                int n;
                while ((n = local.read(buf)) > 0) {
                    remote.write(buf, 0, n);
                    remote.flush();
                }
            } catch (IOException e) {
                // the command ended: its stdin is gone
            }
        }, "jplay-exec-stdin");
        t.setDaemon(true); // blocked in a read of our stdin when the command ends: must not keep the JVM alive
        t.start();
    }

    private static int signalNumber(String name) {
        if (name == null) return 0;
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "KILL" -> 9;
            case "PIPE" -> 13;
            case "TERM" -> 15;
            default -> 0;
        };
    }
}
