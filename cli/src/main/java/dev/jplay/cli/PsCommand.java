package dev.jplay.cli;

import dev.jplay.engine.connection.AgentJar;
import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Step;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jplay ps -i INVENTORY}: the containers on every host, from each host's agent ({@code container_info}), in
 * one table (or {@code --json}): where each instance runs, whether it runs, its IP, image and restarts.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List the containers on the inventory's hosts: status, IP, image digest, restarts.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every host answered", "1:bad input (inventory, pattern)", "2:a host's agent could not list",
                "4:a host was unreachable (6 = both)"})
public final class PsCommand implements Callable<Integer> {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE", description = "Inventory (repeatable). Default: localhost.")
    List<String> inventory = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Only these hosts (default: all).")
    String limit = "all";

    @Option(names = {"-a", "--all"}, description = "Also list containers that are not running.")
    boolean all;

    @Option(names = "--json", description = "One JSON document: containers (each with its host) and failures.")
    boolean json;

    @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts asked at once (default: ${DEFAULT-VALUE}).")
    int forks;

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        List<Host> hosts;
        Inventory inv;
        SshSettings ssh;
        dev.jplay.engine.run.BecomeDefaults become;
        try {
            inv = inventory.isEmpty() ? Inventory.load(List.of("localhost,")) : Inventory.load(inventory);
            hosts = inv.select(limit);
            ssh = sshOptions.settings();
            become = becomeOptions.defaults(System.getenv());
        } catch (java.io.IOException e) {
            err.println("jplay: ps: cannot read the become password: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (InventoryException | IllegalArgumentException e) {
            err.println("jplay: ps: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (hosts.isEmpty()) {
            err.println("jplay: ps: no host matches '" + limit + "'");
            return ExitCodes.BAD_INPUT;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> failures = new ArrayList<>();
        List<Map<String, Object>> services = new ArrayList<>();
        int exit = ExitCodes.OK;
        try (Connections connections = Connections.builder().ssh(ssh).forks(Math.max(1, Math.min(forks, hosts.size())))
                .agentJar(AgentJar.embedded()).build()) {
            Map<String, CompletableFuture<AgentResult>> calls = new LinkedHashMap<>();
            Map<String, HostTarget> targets;
            try {
                targets = AgentTargets.of(inv, hosts, become);
            } catch (IllegalArgumentException e) {
                err.println("jplay: ps: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            Map<String, CompletableFuture<AgentResult>> serviceCalls = new LinkedHashMap<>();
            targets.forEach((host, target) -> {
                calls.put(host, connections.open(target).thenCompose(session -> session.call("container_info", Map.of())));
                serviceCalls.put(host, connections.open(target).thenCompose(session -> session.call("fleet_service", Map.of("state", "query"))));
            });
            for (Map.Entry<String, CompletableFuture<AgentResult>> call : calls.entrySet()) {
                String host = call.getKey();
                try {
                    AgentResult r = call.getValue().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    if (r.failed()) {
                        failures.add(failure(host, r.error() != null ? r.error().step() : Step.AGENT,
                                r.error() != null ? r.error().code() : "FAILED", r.msg()));
                        exit |= ExitCodes.HOST_FAILED;
                        continue;
                    }
                    List<Map<String, Object>> hostServices = services(serviceCalls.get(host));
                    for (Map<String, Object> svc : hostServices) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("host", host);
                        row.putAll(svc);
                        services.add(row);
                    }
                    for (Map<String, Object> c : containers(r)) {
                        if (!all && !Boolean.TRUE.equals(c.get("running"))) continue;
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("host", host);
                        row.putAll(c);
                        row.put("services", memberOf(hostServices, c.get("ip")));
                        // NAME.rN runs instance NAME after N start-first replacements: the instance keeps its name.
                        if (c.get("name") instanceof String n && n.matches(".+\\.r[1-9][0-9]*")) row.put("instance", n.substring(0, n.lastIndexOf(".r")));
                        rows.add(row);
                    }
                } catch (ExecutionException e) {
                    ConnectionException c = Connections.unwrap(e.getCause());
                    failures.add(failure(host, c.step(), c.code(), c.getMessage()));
                    exit |= ExitCodes.HOST_UNREACHABLE;
                } catch (TimeoutException e) {
                    failures.add(failure(host, Step.AGENT, "TIMEOUT", "no answer within " + CALL_TIMEOUT.toSeconds() + " s"));
                    exit |= ExitCodes.HOST_UNREACHABLE;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.INTERRUPTED;
                }
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("containers", rows);
            doc.put("services", services);
            doc.put("failures", failures);
            try {
                System.out.println(ReportFiles.json().writeValueAsString(doc));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printTable(System.out, rows);
            printServices(System.out, services);
            for (Map<String, Object> f : failures) {
                err.println(f.get("host") + ": " + f.get("step") + "/" + f.get("code") + ": " + f.get("message"));
            }
        }
        return exit;
    }

    /**
     * The services the host serves ({@code fleet_service} with {@code state: query}); none when the host's agent cannot
     * tell (an older agent, no nftables): membership is then unknown, not a failure of ps.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> services(CompletableFuture<AgentResult> call) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            AgentResult r = call.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!r.failed() && r.data() != null && r.data().get("services") instanceof List<?> list) {
                for (Object o : list) if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
            }
        } catch (ExecutionException | TimeoutException e) {
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The names of the host's services that have {@code ip} among their backends. */
    static List<String> memberOf(List<Map<String, Object>> services, Object ip) {
        List<String> names = new ArrayList<>();
        if (ip == null) return names;
        for (Map<String, Object> s : services) {
            if (s.get("backends") instanceof List<?> b && b.contains(String.valueOf(ip))) names.add(text(s.get("name")));
        }
        return names;
    }

    /**
     * One line per host and service: its port, target port, how many backends it spreads over and its traffic policy
     * as the host's table has it (a local service on a host without a serving instance of its own says cluster).
     */
    static void printServices(PrintStream out, List<Map<String, Object>> services) {
        if (services.isEmpty()) return;
        out.println();
        for (Map<String, Object> s : services) {
            int n = s.get("backends") instanceof List<?> b ? b.size() : 0;
            out.println(text(s.get("host")) + ": service " + text(s.get("name")) + " " + text(s.get("port")) + "/" + text(s.get("protocol"))
                    + " -> " + text(s.get("target_port")) + ", " + n + " backend" + (n == 1 ? "" : "s")
                    + (s.get("traffic_policy") == null ? "" : ", traffic policy " + text(s.get("traffic_policy"))));
        }
    }

    /** The agent's answer is untrusted: only maps under data.containers are taken. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(AgentResult r) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (r.data() != null && r.data().get("containers") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    private static Map<String, Object> failure(String host, Step step, String code, String message) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        f.put("step", step.id());
        f.put("code", code);
        f.put("message", message);
        return f;
    }

    static void printTable(PrintStream out, List<Map<String, Object>> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"HOST", "CONTAINER", "STATUS", "IP", "IMAGE", "STARTED", "RESTARTS", "SERVICES"});
        for (Map<String, Object> r : rows) {
            lines.add(new String[] {text(r.get("host")), text(r.get("name")), text(r.get("status")), text(r.get("ip")),
                    shortDigest(r.get("image_digest")), text(r.get("started_at")), text(r.get("restart_count")),
                    r.get("services") instanceof List<?> l && !l.isEmpty() ? String.join(",", l.stream().map(String::valueOf).toList()) : "-"});
        }
        int[] width = new int[lines.get(0).length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) width[i] = Math.max(width[i], l[i].length());
        }
        for (String[] l : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                sb.append(l[i]);
                if (i < l.length - 1) sb.append(" ".repeat(width[i] - l[i].length() + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    private static String text(Object o) {
        return o == null ? "-" : String.valueOf(o).replaceAll("\\p{Cntrl}", "?"); // agent data: no terminal control
    }

    private static String shortDigest(Object digest) {
        String d = text(digest);
        int colon = d.indexOf(':');
        return colon > 0 && d.length() > colon + 13 ? d.substring(0, colon + 13) : d;
    }
}
