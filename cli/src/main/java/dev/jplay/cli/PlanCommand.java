package dev.jplay.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jplay.engine.fleet.AppPlan;
import dev.jplay.engine.fleet.FleetPlanner;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateException;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.engine.fleet.PlacementException;
import dev.jplay.engine.fleet.PlanDiff;
import dev.jplay.engine.fleet.ReplicaSpec;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.playbook.ServiceSpec;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jplay plan PLAYBOOK -i INV [--json]}: for every play with {@code replicas:}, shows where each instance
 * would run and which address it would get, and what changes against the persisted fleet state. Unless {@code --offline}
 * it asks every play host's agent what it runs (read-only) and warns where that and the state disagree ({@link StateCheck}).
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show the placement and addresses of replicated apps, and what would change; warn where the hosts do not run"
                + " what the fleet state says (each host's agent is asked, read-only; --offline: touch no host).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:planned", "1:bad input (playbook, inventory, pools, capacity)", "70:internal error"})
public final class PlanCommand implements Callable<Integer> {
    /** Changes listed in human output; --json lists all. */
    private static final int MAX_LISTED_CHANGES = 50;

    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook YAML file.")
    Path playbook;

    @Mixin
    TargetOptions targets;

    @Option(names = "--json", description = "Print the plan as one JSON document.")
    boolean json;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Fleet state directory (default: $JPLAY_STATE_DIR/state,"
            + " else .jplay/state beside the playbook).")
    Path stateDir;

    @Mixin
    VaultOptions vaultOptions;

    @Option(names = "--write-state", description = "Record this plan as the fleet state, as apply does after a successful run.")
    boolean writeState;

    @Option(names = "--offline", description = "Do not ask the hosts whether they run what the state says (the check is on by default).")
    boolean offline;

    @Option(names = "--check-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long the check waits for the hosts' agents (default: ${DEFAULT-VALUE}); a host that does not answer is named.")
    String checkTimeout;

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    private final PlaybookParser parser = new PlaybookParser(PlaybookRunner.knownModules());
    private final Templater templater = new Templater();

    @Override
    public Integer call() {
        Path dir = FleetStateStore.locate(stateDir, playbook, System.getenv());
        if (!writeState) return plan(dir);
        // Writing the state is what apply does: the same lock, so a plan never overwrites a running apply's leases.
        try (ProcessLock lock = StateLocking.lock(dir, "plan --write-state", null, Duration.ZERO, System.err)) {
            return plan(dir);
        } catch (FleetStateLock.LockedException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.STATE_LOCKED;
        } catch (IOException e) {
            System.err.println("jplay: cannot lock the fleet state in " + dir + ": " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    private int plan(Path dir) {
        PrintStream err = System.err;
        List<PlannedPlay> plans = new ArrayList<>();
        FleetStateStore store = new FleetStateStore(dir);
        StateCheck.Report check = null;
        try {
            if (!Files.isRegularFile(playbook)) {
                err.println("jplay: playbook " + playbook + " not found");
                return ExitCodes.BAD_INPUT;
            }
            vaultOptions.install(System.getenv()); // before any file is read
            Inventory inv = Inventory.load(targets.inventorySources());
            Playbook book = parser.parse(playbook);
            Map<String, Object> extra = ExtraVars.parse(targets.extraVars, f -> parser.loadVarsFile(f, Location.startOf(f)));
            FleetPlanner planner = new FleetPlanner(store.loadAll());
            List<StateCheck.App> apps = new ArrayList<>();
            for (ReplicaPlays.ReplicaPlay rp : ReplicaPlays.of(book, inv, targets.limit, extra, parser, templater)) {
                AppPlan plan = planner.plan(rp.spec(), rp.placementHosts(), rp.pool());
                plans.add(new PlannedPlay(rp.name(), rp.hostNames(), plan, rp.service()));
                apps.add(new StateCheck.App(rp.spec().app(), plan.previous(), rp.hosts()));
            }
            if (!offline && !apps.isEmpty()) {
                check = StateCheck.run(inv, apps, sshOptions.settings(), becomeOptions.defaults(System.getenv()),
                        dev.jplay.engine.schedule.Durations.parse(checkTimeout));
            }
        } catch (IOException e) {
            err.println("jplay: cannot read the become password: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        } catch (PlaybookException | InventoryException | PlacementException | IpPoolException | FleetStateException
                 | IllegalArgumentException | dev.jplay.engine.vault.VaultException e) {
            err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        try {
            OutputStream out = new BufferedOutputStream(new NonClosing(System.out), 1 << 16);
            if (json) writeJson(plans, store, check, out);
            else writeText(plans, store, new PrintStream(out, false, StandardCharsets.UTF_8));
            out.flush();
            if (check != null) check.print(err);
        } catch (IOException e) {
            err.println("jplay: cannot write the plan: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        if (writeState) {
            try {
                for (PlannedPlay p : plans) store.save(p.plan().next().withService(FleetState.Service.of(p.service())));
            } catch (FleetStateException e) {
                err.println("jplay: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        return ExitCodes.OK;
    }

    private record PlannedPlay(String name, List<String> hosts, AppPlan plan, ServiceSpec service) {}

    /** The service's backends once the run succeeded (every planned instance with an address), in index order. */
    private static List<FleetState.Instance> backends(AppPlan plan) {
        return plan.next().instances().stream().filter(i -> i.ip() != null).toList();
    }

    /**
     * The service's traffic policy as a line of the plan: cluster, or local with each host's own backends (and which
     * hosts have none, so fall back to every instance, masqueraded).
     */
    static String trafficPolicy(ServiceSpec service, List<FleetState.Instance> backends, List<String> hosts) {
        if (!service.local()) return "traffic policy cluster: every host spreads over all backends, masqueraded (they see the host's address)";
        Map<String, Integer> own = new java.util.LinkedHashMap<>();
        for (String h : hosts) own.put(h, 0);
        for (FleetState.Instance i : backends) own.merge(i.host(), 1, Integer::sum);
        List<String> counts = new ArrayList<>();
        List<String> without = new ArrayList<>();
        own.forEach((h, n) -> {
            if (n > 0) counts.add(h + " " + n);
            else without.add(h);
        });
        return "traffic policy local: each host sends to its own instances, unmasqueraded (they see the client's address): "
                + String.join(", ", counts) + (without.isEmpty() ? "" : "; no instance, so every backend (cluster): " + String.join(", ", without));
    }

    /** The service the last run left that this plan deletes (renamed, removed, or {@code state: absent}), or null. */
    private static String staleService(PlannedPlay p) {
        FleetState.Service before = p.plan().previous() == null ? null : p.plan().previous().service();
        if (before == null) return null;
        return p.service() == null || p.service().absent() || !before.name().equals(p.service().name()) ? before.name() : null;
    }

    private void writeText(List<PlannedPlay> plans, FleetStateStore store, PrintStream out) {
        if (plans.isEmpty()) out.println("no play of " + playbook + " declares replicas");
        for (PlannedPlay p : plans) {
            AppPlan plan = p.plan();
            ReplicaSpec spec = plan.spec();
            out.println("PLAY [" + p.name() + "] app " + spec.app() + ": " + spec.count() + " replicas over " + p.hosts().size()
                    + " hosts" + (plan.pool() == null ? "" : ", ip pool " + plan.pool() + ", bridge " + plan.pool().bridgeName()));
            Map<String, List<Integer>> byHost = plan.placement().byHost(p.hosts());
            List<FleetState.Instance> instances = plan.next().instances();
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, List<Integer>> e : byHost.entrySet()) {
                line.setLength(0);
                line.append("  ").append(e.getKey()).append(": ").append(e.getValue().size()).append(" instance")
                        .append(e.getValue().size() == 1 ? "" : "s");
                String block = plan.next().hostBlocks().get(e.getKey());
                if (block != null) line.append(" in ").append(block);
                String sep = " - ";
                for (int i : e.getValue()) {
                    FleetState.Instance inst = instances.get(i);
                    line.append(sep).append(inst.name());
                    if (inst.ip() != null) line.append(' ').append(inst.ip());
                    sep = ", ";
                }
                out.println(line);
            }
            String stale = staleService(p);
            if (stale != null) out.println("  service " + stale + ": deleted from every host");
            ServiceSpec service = p.service();
            if (service != null && !service.absent()) {
                List<FleetState.Instance> backends = backends(plan);
                java.util.Set<String> kept = plan.next().keptFrom(plan.previous());
                out.println("  service " + service.name() + ": port " + service.portKey() + " -> target port " + service.targetPort()
                        + " on every host (" + p.hosts().size() + "), " + backends.size() + " backends (" + kept.size()
                        + " serving from the start, the others once their container task succeeds):");
                for (int from = 0; from < backends.size(); from += 8) { // '*': joins once its container task succeeds
                    line.setLength(0);
                    line.append("   ");
                    for (FleetState.Instance i : backends.subList(from, Math.min(backends.size(), from + 8))) {
                        line.append(' ').append(i.ip()).append(kept.contains(i.name()) ? "" : "*");
                    }
                    out.println(line);
                }
                out.println("    " + trafficPolicy(service, backends, p.hosts()));
            }
            Map<PlanDiff.Kind, Integer> counts = plan.diff().counts();
            out.println("  changes vs " + (plan.previous() == null ? "no state (first run)" : store.fileOf(spec.app()).toString()) + ": "
                    + counts.get(PlanDiff.Kind.ADD) + " to add, " + counts.get(PlanDiff.Kind.REMOVE) + " to remove, "
                    + counts.get(PlanDiff.Kind.MOVE) + " to move, " + counts.get(PlanDiff.Kind.READDRESS) + " to readdress, "
                    + counts.get(PlanDiff.Kind.UNCHANGED) + " unchanged");
            int listed = 0;
            int changed = plan.diff().changes().size() - counts.get(PlanDiff.Kind.UNCHANGED);
            for (PlanDiff.Change c : plan.diff().changes()) {
                if (c.kind() == PlanDiff.Kind.UNCHANGED) continue;
                if (listed++ == MAX_LISTED_CHANGES) {
                    out.println("    ... and " + (changed - MAX_LISTED_CHANGES) + " more (--json lists all)");
                    break;
                }
                out.println("    " + describe(c));
            }
        }
        out.flush();
    }

    private static String describe(PlanDiff.Change c) {
        return switch (c.kind()) {
            case ADD -> "+ " + c.instance() + " on " + c.toHost() + ip(" ", c.toIp());
            case REMOVE -> "- " + c.instance() + " from " + c.fromHost() + ip(" releases ", c.fromIp());
            case MOVE -> "> " + c.instance() + " " + c.fromHost() + " -> " + c.toHost()
                    + (Objects.equals(c.fromIp(), c.toIp()) ? ip(" keeps ", c.toIp()) : ip(" ", c.fromIp()) + ip(" -> ", c.toIp()));
            case READDRESS -> "~ " + c.instance() + " on " + c.toHost() + " " + c.fromIp() + " -> " + c.toIp();
            case UNCHANGED -> "  " + c.instance();
        };
    }

    private static String ip(String prefix, String ip) {
        return ip == null ? "" : prefix + ip;
    }

    private void writeJson(List<PlannedPlay> plans, FleetStateStore store, StateCheck.Report check, OutputStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("playbook", playbook.toString());
            g.writeArrayFieldStart("plays");
            for (PlannedPlay p : plans) {
                AppPlan plan = p.plan();
                g.writeStartObject();
                g.writeStringField("play", p.name());
                g.writeStringField("app", plan.spec().app());
                g.writeNumberField("count", plan.spec().count());
                g.writeStringField("state_file", store.fileOf(plan.spec().app()).toString());
                g.writeBooleanField("first_run", plan.previous() == null);
                if (plan.pool() == null) {
                    g.writeNullField("pool");
                } else {
                    IpPool pool = plan.pool();
                    g.writeObjectFieldStart("pool");
                    g.writeStringField("name", pool.name());
                    g.writeStringField("cidr", pool.cidr().toString());
                    if (pool.gateway() != null) g.writeStringField("gateway", pool.gateway().toString());
                    if (pool.perHost()) g.writeNumberField("per_host_prefix", pool.perHostPrefix());
                    g.writeStringField("bridge", pool.bridgeName());
                    g.writeEndObject();
                }
                g.writeArrayFieldStart("hosts");
                List<FleetState.Instance> instances = plan.next().instances();
                for (Map.Entry<String, List<Integer>> e : plan.placement().byHost(p.hosts()).entrySet()) {
                    g.writeStartObject();
                    g.writeStringField("host", e.getKey());
                    String block = plan.next().hostBlocks().get(e.getKey());
                    if (block != null) g.writeStringField("block", block);
                    g.writeArrayFieldStart("instances");
                    for (int i : e.getValue()) {
                        FleetState.Instance inst = instances.get(i);
                        g.writeStartObject();
                        g.writeStringField("name", inst.name());
                        g.writeNumberField("index", inst.index());
                        if (inst.ip() != null) {
                            g.writeStringField("ip", inst.ip());
                            g.writeNumberField("prefix_len", inst.prefixLen());
                            g.writeStringField("gateway", inst.gateway());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                String stale = staleService(p);
                if (stale != null) g.writeStringField("deleted_service", stale);
                if (p.service() != null && !p.service().absent()) {
                    ServiceSpec service = p.service();
                    java.util.Set<String> kept = plan.next().keptFrom(plan.previous());
                    g.writeObjectFieldStart("service");
                    g.writeStringField("name", service.name());
                    g.writeNumberField("port", service.port());
                    g.writeNumberField("target_port", service.targetPort());
                    g.writeStringField("protocol", service.protocol());
                    g.writeStringField("traffic_policy", service.trafficPolicy());
                    g.writeArrayFieldStart("backends");
                    for (FleetState.Instance i : backends(plan)) {
                        g.writeStartObject();
                        g.writeStringField("instance", i.name());
                        g.writeStringField("host", i.host());
                        g.writeStringField("ip", i.ip());
                        g.writeBooleanField("serving_at_start", kept.contains(i.name()));
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeObjectFieldStart("summary");
                for (Map.Entry<PlanDiff.Kind, Integer> e : plan.diff().counts().entrySet()) {
                    g.writeNumberField(e.getKey().name().toLowerCase(), e.getValue());
                }
                g.writeEndObject();
                g.writeArrayFieldStart("changes");
                for (PlanDiff.Change c : plan.diff().changes()) {
                    if (c.kind() == PlanDiff.Kind.UNCHANGED) continue;
                    g.writeStartObject();
                    g.writeStringField("kind", c.kind().name().toLowerCase());
                    g.writeStringField("instance", c.instance());
                    if (c.fromHost() != null) g.writeStringField("from_host", c.fromHost());
                    if (c.toHost() != null) g.writeStringField("to_host", c.toHost());
                    if (c.fromIp() != null) g.writeStringField("from_ip", c.fromIp());
                    if (c.toIp() != null) g.writeStringField("to_ip", c.toIp());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (check != null) check.writeJson(g);
            g.writeEndObject();
        }
        out.write('\n');
    }

    /** Lets buffered writers close without closing System.out. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
