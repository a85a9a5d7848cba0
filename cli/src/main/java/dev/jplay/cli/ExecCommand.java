package dev.jplay.cli;

import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.schedule.Durations;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.ModuleDeadlines;
import dev.jplay.reports.ReportFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jplay exec -i INV [-l HOST] NAME -- CMD...}: runs CMD inside the running instance NAME ({@code runc exec}
 * through the host's agent, module {@code container_exec}) and exits with its exit code, as {@code docker exec} does;
 * {@code --all} runs it in every matching instance on every matching host and prints a table; {@code -t --interactive}
 * gives a terminal ({@link InteractiveExec}).
 */
@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false, modelTransformer = ExecCommand.CommandFollowsName.class,
        description = {"Run a command inside a running instance (runc exec), as docker exec does.", "",
                "  jplay exec -i INV [-l HOST] NAME -- CMD [ARG...]",
                "      the command's output; exits with its exit code",
                "  jplay exec -i INV --all [NAME|APP] -- CMD [ARG...]",
                "      in every matching instance: a table (--json: all output)",
                "  jplay exec -i INV -t --interactive NAME -- sh",
                "      a terminal, as docker exec -it (-i is the inventory here)", "",
                "NAME is an instance (web-0); with --all also an app (web: web-0, web-1, ...), or none (every instance). "
                        + "Options go before NAME: every word after it (or after --) is the command's."},
        exitCodeListHeading = "%nExit codes (as docker exec's):%n",
        exitCodeList = {"N:the command's own exit code", "124:--timeout expired (the command was ended)",
                "125:jplay could not run it: bad input, no such running instance, host unreachable, agent failure",
                "126:the command cannot be executed", "127:the command was not found",
                "with --all: 0 every command exited 0, 2 some exited non-zero or failed, 4 a host was unreachable (6 both),",
                "  1 bad input or no instance matched"})
public final class ExecCommand implements Callable<Integer> {
    /** docker exec's codes: the daemon (here jplay) failed; the command cannot be run; it was not found. */
    static final int JPLAY_ERROR = 125;
    static final int TIMED_OUT = 124;
    /** Grace beyond the command's deadline before the controller stops waiting for the agent's answer. */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(30);
    private static final Duration INFO_WAIT = Duration.ofSeconds(120);

    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE", description = "Inventory (repeatable). Default: localhost.")
    List<String> inventory = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Only these hosts (default: all; the instance is looked for on them).")
    String limit = "all";

    @Option(names = {"-a", "--all"}, description = "Run in every running instance that matches NAME (an instance or an app; none: all) on every matched host.")
    boolean all;

    @Option(names = {"-t", "--tty"}, description = "Allocate a terminal (a pty over the SSH channel, runc exec -t). With --interactive: docker exec -it.")
    boolean tty;

    @Option(names = "--interactive", description = "Keep stdin attached (docker exec -i; -i is the inventory here).")
    boolean interactive;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable for the command (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "End the command after this long (30s, 5m; exit 124). Default: none, as docker's; the agent's 1 h deadline for container_exec still holds. Not with -t/--interactive.")
    String timeout;

    @Option(names = "--json", description = "One JSON document: each instance's host, exit code, stdout, stderr (and failures).")
    boolean json;

    @Option(names = "--parallel", defaultValue = "10", paramLabel = "N", description = "With --all: instances running the command at once (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts connected at once (default: ${DEFAULT-VALUE}).")
    int forks;

    @Parameters(paramLabel = "NAME -- CMD", arity = "0..*", description = "The instance (or app with --all), then the command and its arguments.")
    List<String> words = new ArrayList<>();

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    @Spec
    CommandSpec spec;

    /** As docker exec: after NAME every word is the command's, even one that looks like an option ({@code ls -la}). */
    static final class CommandFollowsName implements picocli.CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            spec.parser().stopAtPositional(true);
            return spec;
        }
    }

    /** NAME and the command, as the words before and after the first {@code --} (or NAME then the rest). */
    record Target(String name, List<String> command) {}

    static Target split(List<String> words, List<String> originalArgs) {
        int dash = words.indexOf("--");
        if (dash >= 0) return new Target(dash == 0 ? null : words.get(0), List.copyOf(words.subList(dash + 1, words.size())));
        // picocli consumed a "--" that came before every positional: there is no NAME.
        if (originalArgs.contains("--")) return new Target(null, List.copyOf(words));
        if (words.isEmpty()) return new Target(null, List.of());
        return new Target(words.get(0), List.copyOf(words.subList(1, words.size())));
    }

    /** With --all: the instance itself, or the instances of an app ({@code APP-<index>}); null matches all. */
    static boolean matches(String pattern, String instance) {
        if (pattern == null) return true;
        return instance.equals(pattern) || (instance.startsWith(pattern + "-")
                && Pattern.matches("\\d+", instance.substring(pattern.length() + 1)));
    }

    @Override
    public Integer call() {
        PrintStream err = System.err;
        Target target = split(words, spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs());
        if (target.command().isEmpty()) return usage("no command given: jplay exec NAME -- CMD [ARG...]");
        if (target.name() == null && !all) return usage("no instance named: jplay exec NAME -- CMD (or --all)");
        if (target.name() != null && target.name().startsWith("-")) return usage("'" + target.name() + "' is not an instance name (options go before NAME)");
        if (all && (tty || interactive)) return usage("--all runs without a terminal: leave out -t/--interactive");
        if ((tty || interactive) && timeout != null) return usage("--timeout is for commands without a terminal (end an interactive one yourself)");
        if (parallel < 1) return usage("--parallel must be at least 1");
        for (String e : env) if (!e.contains("=") || e.startsWith("=")) return usage("--env takes KEY=VALUE, got '" + e + "'");
        Duration limitTime = null;
        if (timeout != null) {
            try {
                limitTime = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                return usage("--timeout: " + e.getMessage());
            }
        }
        Inventory inv;
        List<Host> hosts;
        SshSettings ssh;
        BecomeDefaults become;
        try {
            inv = inventory.isEmpty() ? Inventory.load(List.of("localhost,")) : Inventory.load(inventory);
            hosts = inv.select(limit);
            ssh = sshOptions.settings();
            become = becomeOptions.defaults(System.getenv());
        } catch (IOException e) {
            return usage("cannot read the become password: " + e.getMessage());
        } catch (InventoryException | IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (hosts.isEmpty()) return usage("no host matches '" + limit + "'");
        try (FleetAgents agents = new FleetAgents(inv, ssh, become, Math.min(forks, hosts.size()))) {
            if (all) return runAll(agents, hosts, target, limitTime);
            String host = locate(agents, hosts, target.name());
            if (host == null) return JPLAY_ERROR;
            if (tty || interactive) {
                return new InteractiveExec(agents, err).run(host, target.name(), request(target, null), tty, interactive,
                        ssh.connectTimeout());
            }
            return runOne(agents, host, target, limitTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
    }

    private int usage(String message) {
        System.err.println("jplay: exec: " + message);
        return all ? ExitCodes.BAD_INPUT : JPLAY_ERROR;
    }

    /** The module's arguments. */
    private Map<String, Object> request(Target target, Duration limitTime) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", target.name());
        args.put("argv", target.command());
        if (!env.isEmpty()) args.put("env", env);
        if (workdir != null) args.put("workdir", workdir);
        if (limitTime != null) args.put("timeout", Math.max(1, limitTime.toSeconds()));
        return args;
    }

    /**
     * The host NAME runs on: the only matched host, or the one of the matched hosts whose agent knows it. Null (with
     * the reason printed) when none or several do.
     */
    private String locate(FleetAgents agents, List<Host> hosts, String name) throws InterruptedException {
        if (hosts.size() == 1) return hosts.get(0).name();
        Map<String, FleetAgents.Answer> answers = agents.callAll(hosts, "container_info", Map.of("name", name), INFO_WAIT);
        List<String> found = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (FleetAgents.Answer a : answers.values()) {
            if (!a.ok()) {
                failed.add(a.host() + ": " + a.describe());
                continue;
            }
            for (Map<String, Object> c : FleetAgents.containers(a.result())) {
                if (name.equals(c.get("name")) && !"absent".equals(c.get("status"))) found.add(a.host());
            }
        }
        if (found.size() == 1) return found.get(0);
        if (found.size() > 1) {
            System.err.println("jplay: exec: instance '" + name + "' exists on " + found.size() + " hosts (" + String.join(", ", found)
                    + "): choose one with -l HOST");
            return null;
        }
        System.err.println("jplay: exec: no instance '" + name + "' on " + (hosts.size() - failed.size()) + " of the " + hosts.size()
                + " hosts matching '" + limit + "'" + (failed.isEmpty() ? "" : "; not asked: " + String.join("; ", failed)));
        return null;
    }

    private int runOne(FleetAgents agents, String host, Target target, Duration limitTime) throws InterruptedException {
        Duration deadline = ModuleDeadlines.effective("container_exec", limitTime == null ? null : limitTime.plusSeconds(5));
        CompletableFuture<AgentResult> call = agents.callAsync(host, "container_exec", request(target, limitTime), deadline);
        FleetAgents.Answer a = FleetAgents.await(host, call, deadline.plus(ANSWER_GRACE));
        if (!a.ok()) {
            System.err.println("jplay: exec: " + host + ": " + a.describe());
            return JPLAY_ERROR;
        }
        AgentResult r = a.result();
        Map<String, Object> data = r.data() == null ? Map.of() : r.data();
        if (r.stdout() != null) {
            System.out.print(r.stdout());
            System.out.flush();
        }
        if (r.stderr() != null) System.err.print(r.stderr());
        if (Boolean.TRUE.equals(data.get("truncated"))) {
            System.err.println("jplay: exec: output cut at " + (1024 * 1024) + " bytes per stream");
        }
        if (data.get("start_error") instanceof String why) System.err.println("jplay: exec: " + host + ": " + target.name() + ": " + why);
        if (Boolean.TRUE.equals(data.get("timed_out")) || r.rc() == null) {
            System.err.println("jplay: exec: " + host + ": " + target.name() + ": the command did not end within " + timeout + "; it was ended");
            return TIMED_OUT;
        }
        return r.rc();
    }

    /** One row of the --all table. */
    record Row(String host, String instance, Integer exitCode, String stdout, String stderr, String error, boolean timedOut) {}

    private int runAll(FleetAgents agents, List<Host> hosts, Target target, Duration limitTime) throws InterruptedException {
        Map<String, FleetAgents.Answer> listed = agents.callAll(hosts, "container_info", Map.of(), INFO_WAIT);
        int exit = ExitCodes.OK;
        List<Map<String, Object>> failures = new ArrayList<>();
        List<String[]> instances = new ArrayList<>();
        for (FleetAgents.Answer a : listed.values()) {
            if (!a.ok()) {
                failures.add(failure(a.host(), null, a.describe()));
                exit |= a.unreachable() ? ExitCodes.HOST_UNREACHABLE : ExitCodes.HOST_FAILED;
                continue;
            }
            for (Map<String, Object> c : FleetAgents.containers(a.result())) {
                if (c.get("name") instanceof String n && Boolean.TRUE.equals(c.get("running")) && matches(target.name(), n)) {
                    instances.add(new String[] {a.host(), n});
                }
            }
        }
        if (instances.isEmpty() && failures.isEmpty()) {
            System.err.println("jplay: exec: no running instance " + (target.name() == null ? "" : "matching '" + target.name() + "' ")
                    + "on the " + hosts.size() + " hosts matching '" + limit + "'");
            return ExitCodes.BAD_INPUT;
        }
        Duration deadline = ModuleDeadlines.effective("container_exec", limitTime == null ? null : limitTime.plusSeconds(5));
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, instances.size())), r -> {
            Thread t = new Thread(r, "jplay-exec");
            t.setDaemon(true);
            return t;
        });
        List<Row> rows = new ArrayList<>();
        try {
            List<Future<Row>> running = new ArrayList<>();
            for (String[] i : instances) {
                Map<String, Object> args = request(new Target(i[1], target.command()), limitTime);
                running.add(pool.submit(() -> {
                    FleetAgents.Answer a = FleetAgents.await(i[0], agents.callAsync(i[0], "container_exec", args, deadline),
                            deadline.plus(ANSWER_GRACE));
                    if (!a.ok()) return new Row(i[0], i[1], null, null, null, a.describe(), false);
                    AgentResult r = a.result();
                    Map<String, Object> data = r.data() == null ? Map.of() : r.data();
                    boolean timedOut = Boolean.TRUE.equals(data.get("timed_out"));
                    return new Row(i[0], i[1], timedOut ? Integer.valueOf(TIMED_OUT) : r.rc(), r.stdout(), r.stderr(),
                            data.get("start_error") instanceof String s ? s : null, timedOut);
                }));
            }
            for (Future<Row> f : running) rows.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        for (Row r : rows) {
            if (r.exitCode() == null || r.exitCode() != 0) exit |= ExitCodes.HOST_FAILED;
        }
        if (json) {
            printJson(rows, failures);
        } else {
            printTable(System.out, rows);
            for (Map<String, Object> f : failures) System.err.println("jplay: exec: " + f.get("host") + ": " + f.get("error"));
        }
        return exit;
    }

    private static Map<String, Object> failure(String host, String instance, String error) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        if (instance != null) f.put("instance", instance);
        f.put("error", error);
        return f;
    }

    private static void printJson(List<Row> rows, List<Map<String, Object>> failures) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", r.host());
            m.put("instance", r.instance());
            m.put("exit_code", r.exitCode());
            m.put("timed_out", r.timedOut());
            m.put("stdout", r.stdout());
            m.put("stderr", r.stderr());
            m.put("error", r.error());
            out.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", out);
        doc.put("failures", failures);
        try {
            System.out.println(ReportFiles.json().writeValueAsString(doc));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void printTable(PrintStream out, List<Row> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"HOST", "INSTANCE", "EXIT", "OUTPUT"});
        for (Row r : rows) {
            String first = r.error() != null ? r.error() : firstLine(r.stdout()) != null ? firstLine(r.stdout()) : firstLine(r.stderr());
            lines.add(new String[] {r.host(), r.instance(), r.exitCode() == null ? "-" : String.valueOf(r.exitCode()),
                    first == null ? "" : printable(first)});
        }
        int[] width = new int[4];
        for (String[] l : lines) for (int i = 0; i < l.length; i++) width[i] = Math.max(width[i], l[i].length());
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                sb.append(l[i]);
                if (i < l.length - 1) sb.append(" ".repeat(width[i] - l[i].length() + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** The first non-empty line, cut at 120 characters; null when there is none. */
    static String firstLine(String text) {
        if (text == null) return null;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty()) return l.length() > 120 ? l.substring(0, 120) + "..." : l;
        }
        return null;
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?"); // container output in a table: no terminal control
    }
}
