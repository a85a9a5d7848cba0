package dev.jplay.cli;

import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateException;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.fleet.PlacementException;
import dev.jplay.engine.fleet.StateRebuild;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jplay state ...}: the fleet state (replica placements and IP leases) beside a playbook. */
@Command(name = "state", mixinStandardHelpOptions = true, description = "The fleet state: placements and IP leases of replicated apps.",
        subcommands = {StateCommand.Rebuild.class})
public final class StateCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /**
     * {@code jplay state rebuild -i INV PLAYBOOK}: rebuilds each replicated app's state from what the hosts run. The
     * playbook names the apps, their hosts and pools (as for apply); each host's agent lists its containers
     * ({@code container_info}), and every {@code APP-INDEX} container becomes an instance where it is, holding the
     * address it has. Written under the fleet state lock, atomically; refused when a host cannot be asked (its
     * instances would be lost, and their addresses handed out again).
     */
    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = {"Rebuild the fleet state (placements, IP leases) of the playbook's replicated apps from what the hosts run:"
                    + " each host's agent lists its containers, and every APP-INDEX container becomes an instance of APP where it is,"
                    + " with its address. A re-run of the playbook then changes nothing. Containers started with become are root's:"
                    + " add -b."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:rebuilt (or --dry-run)", "1:bad input (playbook, inventory, pools)",
                    "2:a host's agent could not list its containers (nothing written)", "4:a host was unreachable (nothing written)",
                    "8:the fleet state is locked by another run"})
    static final class Rebuild implements Callable<Integer> {
        private static final Duration ASK_WAIT = Duration.ofSeconds(120);

        @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "The playbook whose replicas plays name the apps.")
        Path playbook;

        @Mixin
        TargetOptions targets;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "Fleet state directory (default: $JPLAY_STATE_DIR/state,"
                + " else .jplay/state beside the playbook).")
        Path stateDir;

        @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "0",
                description = "Wait this long for the fleet state lock when another run holds it (default: 0, fail at once).")
        String lockTimeout;

        @Option(names = "--dry-run", description = "Show the rebuilt state; write nothing.")
        boolean dryRun;

        @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts asked at once (default: ${DEFAULT-VALUE}).")
        int forks;

        @Mixin
        SshOptions sshOptions;

        @Mixin
        BecomeOptions becomeOptions;

        @Override
        public Integer call() {
            PrintStream err = System.err;
            PrintStream out = System.out;
            Path dir = FleetStateStore.locate(stateDir, playbook, System.getenv());
            FleetStateStore store = new FleetStateStore(dir);
            Inventory inv;
            List<ReplicaPlays.ReplicaPlay> plays;
            Duration lockWait;
            BecomeDefaults become;
            try {
                if (!Files.isRegularFile(playbook)) {
                    err.println("jplay: state rebuild: playbook " + playbook + " not found");
                    return ExitCodes.BAD_INPUT;
                }
                lockWait = StateLocking.parseTimeout(lockTimeout);
                inv = Inventory.load(targets.inventorySources());
                PlaybookParser parser = new PlaybookParser(PlaybookRunner.knownModules());
                Playbook book = parser.parse(playbook);
                Map<String, Object> extra = ExtraVars.parse(targets.extraVars, f -> parser.loadVarsFile(f, Location.startOf(f)));
                plays = ReplicaPlays.of(book, inv, targets.limit, extra, parser, new Templater());
                become = becomeOptions.defaults(System.getenv());
            } catch (IOException e) {
                err.println("jplay: state rebuild: cannot read the become password: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            } catch (PlaybookException | InventoryException | PlacementException | IpPoolException | FleetStateException
                     | IllegalArgumentException e) {
                err.println("jplay: state rebuild: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            if (plays.isEmpty()) {
                err.println("jplay: state rebuild: no play of " + playbook + " declares replicas: there is no fleet state to rebuild");
                return ExitCodes.BAD_INPUT;
            }
            Map<String, Host> hosts = new LinkedHashMap<>();
            for (ReplicaPlays.ReplicaPlay p : plays) for (Host h : p.hosts()) hosts.putIfAbsent(h.name(), h);
            HostInstances seen;
            try (FleetAgents agents = new FleetAgents(inv, sshOptions.settings(), become, Math.min(forks, Math.max(1, hosts.size())))) {
                seen = HostInstances.ask(agents, new ArrayList<>(hosts.values()), ASK_WAIT);
            } catch (IllegalArgumentException e) {
                err.println("jplay: state rebuild: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.INTERRUPTED;
            }
            if (!seen.failures().isEmpty()) {
                seen.failures().forEach((h, why) -> err.println("jplay: state rebuild: " + h + ": " + why));
                err.println("jplay: state rebuild: nothing written: without every host's answer its instances would be left out of the"
                        + " state and their addresses handed out again");
                return seen.anyUnreachable() ? ExitCodes.HOST_UNREACHABLE : ExitCodes.HOST_FAILED;
            }
            List<FleetState> rebuilt = new ArrayList<>();
            for (ReplicaPlays.ReplicaPlay p : plays) {
                String app = p.spec().app();
                StateRebuild.Result r = StateRebuild.of(app, p.pool(), seen.of(app, p.hostNames()));
                rebuilt.add(r.state());
                long onHosts = r.state().instances().stream().map(FleetState.Instance::host).distinct().count();
                long leased = r.state().instances().stream().filter(i -> i.ip() != null).count();
                out.println("app " + app + ": " + r.state().instances().size() + " instance(s) on " + onHosts + " host(s)"
                        + (p.pool() == null ? "" : ", " + leased + " lease(s) in pool " + p.pool().name() + " " + p.pool().cidr()));
                for (FleetState.Instance i : r.state().instances()) {
                    out.println("  " + i.name() + " on " + i.host() + (i.ip() == null ? "" : " " + i.ip()));
                }
                for (String w : r.warnings()) err.println("jplay: warning: " + app + ": " + w);
            }
            if (dryRun) {
                out.println("--dry-run: nothing written to " + dir);
                return ExitCodes.OK;
            }
            // The same lock as apply's: a rebuild never overwrites the leases a running apply is about to write.
            try (ProcessLock lock = StateLocking.lock(dir, "state rebuild", null, lockWait, err)) {
                for (FleetState s : rebuilt) {
                    Optional<FleetState> before = loadQuietly(store, s.app());
                    store.save(s);
                    out.println("wrote " + store.fileOf(s.app()) + before.map(b -> " (was: " + b.instances().size() + " instance(s))")
                            .orElse(" (there was none)"));
                }
            } catch (FleetStateLock.LockedException e) {
                err.println("jplay: " + e.getMessage());
                return ExitCodes.STATE_LOCKED;
            } catch (IOException | FleetStateException e) {
                err.println("jplay: state rebuild: cannot write the fleet state in " + dir + ": " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
            return ExitCodes.OK;
        }

        /** The state being replaced; a broken file is what a rebuild is for, so it is not an error here. */
        private static Optional<FleetState> loadQuietly(FleetStateStore store, String app) {
            try {
                return store.load(app);
            } catch (FleetStateException e) {
                return Optional.empty();
            }
        }
    }
}
