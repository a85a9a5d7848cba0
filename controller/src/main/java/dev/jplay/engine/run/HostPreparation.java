package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The preparation before a remote host's first {@code image} or {@code container} task of a run: the agent module
 * {@code host_setup} installs what the host lacks (runc, setfattr, and the CNI plugins when the container joins a
 * jplay network, nft before a {@code fleet_service}) through the same agent, once per agent and need. The controller itself is never prepared: it is the
 * user's own machine, not jplay's to install packages on. {@value #VAR}{@code : false} turns it off.
 */
final class HostPreparation {
    /** Set to false on a host (or in a play's vars) to skip the preparation. */
    static final String VAR = "jplay_host_setup";
    /** Modules that need the host's container runtime (and root), or nftables ({@code fleet_service}). */
    static final Set<String> MODULES = Set.of("image", "container", "fleet_service");

    private final boolean check;
    private final RunListener listener;
    /** Agents (session keys, plus "+cni" when the plugins were asked for) prepared in this run. */
    private final Set<String> prepared = ConcurrentHashMap.newKeySet();

    HostPreparation(boolean check, RunListener listener) {
        this.check = check;
        this.listener = listener;
    }

    /**
     * Prepares {@code target}'s host for {@code task} unless that was done in this run; returns the failed result
     * that fails the task, or null to go on.
     */
    TaskResult before(HostRun host, ModuleTask task, Map<String, Object> args, Map<String, Object> vars,
                               HostTarget target, AgentSession session) throws ExecutionException, InterruptedException {
        if (!MODULES.contains(task.module()) || target.kind() != HostTarget.Kind.SSH) return null;
        Boolean enabled;
        try {
            enabled = BecomeResolver.bool(vars.get(VAR));
        } catch (IllegalArgumentException e) {
            return TaskResult.failed(new Failure(Step.ARGS, "SETUP_INVALID", VAR + ": " + e.getMessage()));
        }
        boolean cni = "container".equals(task.module()) && args.get("network") != null;
        boolean nft = "fleet_service".equals(task.module()); // its rules are an nftables table
        if (Boolean.FALSE.equals(enabled) || !prepared.add(target.sessionKey() + (cni ? "+cni" : nft ? "+nft" : ""))) return null;
        Map<String, Object> setupArgs = cni ? Map.of() : nft ? Map.of("cni_plugins", List.of(), "tools", List.of("nft"))
                : Map.of("cni_plugins", List.of()); // cni: the module's defaults
        long started = System.nanoTime();
        TaskResult r = TaskResult.of(session.call("host_setup", setupArgs, check, false, null, null).get());
        double seconds = (System.nanoTime() - started) / 1e9;
        if (r.failed()) {
            r.msg("preparing the host for containers failed: " + r.msg());
            return r;
        }
        if (r.changed()) {
            // Its time, so that a first run's package installation is told apart from jplay's own work (bench/bare-fleet.sh).
            listener.warning(String.format(Locale.ROOT, "%s: %s in %.2f s (host preparation before its first container task)",
                    host.name, r.msg(), seconds));
        }
        return null;
    }
}
