package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.protocol.AgentResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pre-staging during a rolling update: while batch k runs (its containers start, its health gates wait), the hosts
 * of batch k+1 already fetch and unpack the images of the play's {@code container} tasks (pull only: the
 * {@code image} module, nothing is launched or stopped), so their turn finds the image present; batch k+1 starts
 * once its pre-stage is done (it would otherwise wait on the same blobs' ingest locks). A host with
 * {@code jplay_image_pull: relay} gets it relayed.
 *
 * <p>On by default because it cannot change what the run does: only content-addressed blobs and layers are added to
 * the store (as the task's own pull would add a moment later), no container or recorded state changes, and the task's
 * result is the same (a container task's {@code changed} is about the container). It is left out where it could
 * differ or waste: check mode, tasks with {@code when}, loops or {@code delegate_to}, {@code pull: never}, templates
 * that do not render before the task runs, and {@code jplay_prestage: false} (host or play var, or {@code -e}).
 * A pre-stage that fails is dropped silently: the task pulls as it would have and reports its own error.
 */
final class ImagePrestager {
    static final String VAR = "jplay_prestage";
    private static final Set<String> CONTAINER_STATES = Set.of("started", "present", "restarted");
    /** Pull arguments the {@code image} module takes from a container task (RegistryAccess and ImageRequest's). */
    private static final Set<String> PULL_ARGS = Set.of("insecure", "ca_file", "username", "password", "registry_auth_file",
            "platform", "parallel", "unpack_max_ratio", "unpack_ratio_floor", "unpack_min_free", "pull_progress_timeout");

    private final Templater templater;
    private final TaskTargets taskTargets;
    private final Connections connections;
    private final ImageRelayStep relays;
    private final RunListener listener;
    private final boolean check;
    private final ExecutorService pool;

    ImagePrestager(Templater templater, TaskTargets taskTargets, Connections connections, ImageRelayStep relays,
                   RunListener listener, boolean check, int forks) {
        this.templater = templater;
        this.taskTargets = taskTargets;
        this.connections = connections;
        this.relays = relays;
        this.listener = listener;
        this.check = check;
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(1, Math.min(forks, 16));
        // One prestager per run: idle threads end, so a long-lived scheduler does not keep a pool per past run.
        java.util.concurrent.ThreadPoolExecutor executor = new java.util.concurrent.ThreadPoolExecutor(threads, threads,
                30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "jplay-prestage-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    /**
     * Starts pre-staging {@code next}'s hosts in the background; returns at once. The future completes when every
     * host is done (each fetch within its module's deadline); it never completes exceptionally.
     */
    CompletableFuture<Void> start(PlayContext ctx, List<HostRun> next) {
        if (check) return CompletableFuture.completedFuture(null);
        List<ModuleTask> tasks = new ArrayList<>();
        collect(ctx.play().tasks(), tasks);
        List<CompletableFuture<Void>> hosts = new ArrayList<>();
        if (tasks.isEmpty()) return CompletableFuture.completedFuture(null);
        for (HostRun host : next) {
            if (host.failedInPlay() || host.unreachable()) continue;
            hosts.add(CompletableFuture.runAsync(() -> {
                for (ModuleTask task : tasks) prestage(ctx, host, task);
            }, pool));
        }
        return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new));
    }

    /** Container tasks that always run on the play's hosts: not under a {@code when}, no loop, not delegated. */
    private static void collect(List<Task> tasks, List<ModuleTask> into) {
        for (Task t : tasks) {
            if (t instanceof ModuleTask m && "container".equals(m.module()) && m.when().isEmpty() && m.loop() == null
                    && m.delegateTo() == null && !m.runOnce()) {
                into.add(m);
            } else if (t instanceof Block b && b.when().isEmpty()) {
                collect(b.block(), into);
            }
        }
    }

    private void prestage(PlayContext ctx, HostRun host, ModuleTask task) {
        try {
            VariableScope vars = ctx.varsFor(host, TaskScope.root(ctx.play().tags()), task.vars());
            Boolean enabled = BecomeResolver.bool(vars.get(VAR));
            if (Boolean.FALSE.equals(enabled)) return;
            @SuppressWarnings("unchecked")
            Map<String, Object> args = (Map<String, Object>) templater.render(task.args(), vars, task.locationOf(task.module()));
            Object image = args.get("image");
            if (image == null || !CONTAINER_STATES.contains(String.valueOf(args.getOrDefault("state", "started")))
                    || "never".equals(String.valueOf(args.get("pull")))) {
                return;
            }
            ExecutionTargets.Where where = taskTargets.loggedIn(ctx, task, taskTargets.of(host, task, vars), vars);
            if (where.shownAs() != null || TaskTargets.needsRoot(host, task, where) != null) return;
            AgentSession session = connections.session(where.target());
            long start = System.nanoTime();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("image", image.toString());
            ImageRelayStep.Relayed relayed = relays.before(host, task, args, vars, where.target(), session);
            if (relayed.failed() != null) return;
            if (relayed.outcome() != null) {
                data.put("relay", relayed.outcome().toData());
            } else {
                Map<String, Object> pull = new LinkedHashMap<>();
                pull.put("name", image);
                for (String arg : PULL_ARGS) if (args.get(arg) != null) pull.put(arg, args.get(arg));
                AgentResult r = session.call("image", pull).get();
                if (r.failed()) return;
                Object pulled = r.data() == null ? null : r.data().get("image");
                if (pulled instanceof Map<?, ?> m) data.put("bytes_downloaded", m.get("bytes_downloaded"));
            }
            data.put("millis", (System.nanoTime() - start) / 1_000_000);
            listener.imagePrestaged(host.name, data);
        } catch (ConnectionException | RuntimeException | java.util.concurrent.ExecutionException e) {
            // dropped: the task pulls itself and reports its own error
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
