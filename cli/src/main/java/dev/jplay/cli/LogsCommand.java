package dev.jplay.cli;

import dev.jplay.engine.connection.AgentJar;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.logs.FleetLogs;
import dev.jplay.engine.logs.LogLine;
import dev.jplay.engine.logs.LogSince;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jplay logs -i INVENTORY [NAME|APP ...] [-f]}: the output of matching instances on every host, merged in
 * time order, each line prefixed with its host and instance; {@code -f} follows them all at once over one agent
 * session per host ({@link FleetLogs}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Show the output of containers on the inventory's hosts, merged in time order: "
                + "'HOST INSTANCE | line' (container stderr on stderr), or --json. NAME is an instance (web-17) or an app "
                + "(web: web-1, web-2, ...); none: all. Output is kept on each host in Docker's json-file form "
                + "(<state>/containers/NAME/NAME-json.log), capped by the container's log_options (default 10m x 3 files).",
                "-f follows every matching instance on every host until Ctrl-C (exit 130), instances that start later "
                        + "included; a host that drops out is announced ('-- HOST unreachable: ...; retrying') and followed "
                        + "again from where it was when it is back."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every host answered", "1:bad input (inventory, pattern, --since, --tail)",
                "2:a host's agent could not read its logs", "4:a host was unreachable (6 = both)",
                "130:-f ended with Ctrl-C"})
public final class LogsCommand implements Callable<Integer> {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_LINE = new com.fasterxml.jackson.databind.ObjectMapper();

    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE", description = "Inventory (repeatable). Default: localhost.")
    List<String> inventory = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Only these hosts (default: all).")
    String limit = "all";

    @Parameters(paramLabel = "NAME|APP", arity = "0..*", description = "Instances, or apps (all their instances). Default: all.")
    List<String> names = new ArrayList<>();

    @Option(names = {"-f", "--follow"}, description = "Keep following new output (Ctrl-C ends it).")
    boolean follow;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only lines since TIME: a duration back from now (10m, 1h30m), an RFC 3339 time, a date or Unix seconds.")
    String since;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", defaultValue = "all",
            description = "Lines to show from the end of each instance's output (default: ${DEFAULT-VALUE}).")
    String tail;

    @Option(names = {"-t", "--timestamps"}, description = "Show each line's time (RFC 3339) first.")
    boolean timestamps;

    @Option(names = "--json", description = "One JSON object per line: time, host, instance, stream, log.")
    boolean json;

    @Option(names = "--forks", defaultValue = "50", description = "Hosts connected at once (default: ${DEFAULT-VALUE}).")
    int forks;

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        Map<String, HostTarget> targets;
        FleetLogs.Request request;
        dev.jplay.engine.connection.SshSettings ssh;
        try {
            Inventory inv = inventory.isEmpty() ? Inventory.load(List.of("localhost,")) : Inventory.load(inventory);
            List<Host> hosts = inv.select(limit);
            if (hosts.isEmpty()) {
                err.println("jplay: logs: no host matches '" + limit + "'");
                return ExitCodes.BAD_INPUT;
            }
            ssh = sshOptions.settings();
            BecomeDefaults become = becomeOptions.defaults(System.getenv());
            targets = AgentTargets.of(inv, hosts, become);
            Instant from = since == null ? null : LogSince.parse(since, Instant.now(), ZoneId.systemDefault());
            request = new FleetLogs.Request(List.copyOf(names), LogSince.tail(tail), from, follow);
        } catch (IOException e) {
            err.println("jplay: logs: cannot read the become password: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (InventoryException | IllegalArgumentException e) {
            err.println("jplay: logs: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        // Lines go out as they come (a pipe or a test reads them while following): flushed per batch, not per 8 KiB.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream errOut = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Printer printer = new Printer(out, errOut);
        try (Connections connections = Connections.builder().ssh(ssh).forks(Math.max(1, Math.min(forks, targets.size())))
                .agentJar(AgentJar.embedded()).build()) {
            FleetLogs logs = new FleetLogs(connections, targets, request, printer);
            CountDownLatch done = new CountDownLatch(1);
            Thread onCtrlC = new Thread(() -> {
                logs.stop(); // what was read goes out, in order; then the JVM ends with 130 (SIGINT), as docker logs -f
                try {
                    done.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            }, "jplay-logs-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            List<FleetLogs.HostFailure> failures;
            try {
                failures = logs.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.INTERRUPTED;
            } finally {
                out.flush();
                done.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
            int exit = ExitCodes.OK;
            for (FleetLogs.HostFailure f : failures) {
                errOut.println("jplay: logs: " + f.host() + ": " + f.step() + "/" + f.code() + ": " + f.message());
                exit |= f.unreachable() ? ExitCodes.HOST_UNREACHABLE : ExitCodes.HOST_FAILED;
            }
            return exit;
        }
    }

    /** Lines to stdout (container stderr to stderr, as docker logs), notices to stderr. */
    private final class Printer implements FleetLogs.Sink {
        private final PrintStream out;
        private final PrintStream err;

        Printer(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public synchronized void line(LogLine line) {
            String text = json ? json(line) : clean(line).format(timestamps);
            if (!json && line.stream().equals("stderr")) {
                out.flush();
                err.println(text);
            } else {
                out.println(text);
                out.flush();
            }
        }

        @Override
        public synchronized void notice(String text) {
            out.flush();
            err.println(text);
        }
    }

    /** Container output is untrusted: no terminal control sequences on the operator's screen (tabs stay). */
    private static LogLine clean(LogLine l) {
        String text = l.text().replaceAll("[\\p{Cntrl}&&[^\\t]]", "?");
        return new LogLine(l.host(), l.instance(), l.stream(), l.time(), text, l.seq());
    }

    private static String json(LogLine l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", l.time().toString());
        m.put("host", l.host());
        m.put("instance", l.instance());
        m.put("stream", l.stream());
        m.put("log", l.text());
        try {
            return JSON_LINE.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
