package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerImage;
import dev.jplay.runtime.launch.ContainerLogs;
import dev.jplay.runtime.launch.ContainerResult;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.ContainerState;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.LaunchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code container}, after Ansible's {@code docker_container}: image (pulled and unpacked as by {@code image}
 * unless present) → overlay rootfs per container ({@link dev.jplay.runtime.snapshot.Snapshotter}, mounted for as
 * long as the container exists) → runc through {@link dev.jplay.runtime.launch.ContainerLifecycle}.
 *
 * <p>Idempotent: same image manifest and same spec is {@code ok}. Anything else recreates the container from a
 * fresh rootfs (as Docker gives a recreated container a new writable layer) and reports what differed.
 */
public final class ContainerModule implements TaskModule {
    private static final Set<String> ARGS = new HashSet<>(ContainerArgs.SPEC_ARGS);
    private static final long LOG_TAIL_BYTES = 4000;
    /** A start-first replacement: the container this one is started beside, whose revision it rolls back to. */
    static final String REPLACES = "replaces";

    static {
        ARGS.addAll(ImageRequest.ARGS);
        ARGS.addAll(List.of("image", "state", "pull", "logs", ContainerNetwork.ARG, ContainerNetwork.PORTS_ARG));
        ARGS.add("healthcheck"); // health gate and rollback: HealthGate, ContainerRollback
        ARGS.add(REPLACES);
    }

    @Override
    public String name() {
        return "container";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String state = args.string("state", "started");
        if (!List.of("present", "started", "stopped", "absent", "restarted", "rolled_back").contains(state)) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "container: state must be present, started, stopped, absent, restarted or rolled_back, got '"
                    + state + "'");
        }
        ContainerSpec argSpec = ContainerArgs.spec(args);
        HealthCheck health = HealthCheck.parse(args.map("healthcheck"));
        if (!ctx.check()) ContainerHost.requireRoot(name());
        ContainerHost host = ContainerHost.of(ctx);
        ContainerNetwork network = ContainerNetwork.of(args, ctx, argSpec.name());
        ContainerSpec spec = network.applyTo(argSpec);
        ReentrantLock lock = host.lockFor(spec.name());
        lock.lock();
        try {
            if (state.equals("absent")) return absent(spec.name(), host, network, ctx);
            if (state.equals("rolled_back")) return new ContainerRollback(host, ctx).run(spec.name(), health);
            ImageRequest request = ImageRequest.from(args, "image", true, pullPolicy(args));
            return ctx.check() ? check(spec, state, request, host, network)
                    : apply(spec, state, request, host, network, args.bool("logs", false), health, args.string(REPLACES, null), ctx);
        } catch (LaunchException e) {
            throw Failures.launch(e);
        } finally {
            lock.unlock();
        }
    }

    private static PullPolicy pullPolicy(ModuleArgs args) throws ModuleException {
        Object raw = args.raw().get("pull");
        if (raw instanceof Boolean b) return b ? PullPolicy.ALWAYS : PullPolicy.MISSING; // Ansible's older boolean form
        return PullPolicy.parse(args.string("pull", "missing"));
    }

    private ModuleResult apply(ContainerSpec spec, String state, ImageRequest request, ContainerHost host,
            ContainerNetwork network, boolean logs, HealthCheck health, String replaces, ModuleContext ctx) throws ModuleException {
        String name = spec.name();
        long t0 = System.nanoTime();
        EnsuredImage image = new ImageEnsurer(host, ctx).ensure(request);
        long t1 = System.nanoTime();
        Path rootfs = host.rootfs(name);
        ContainerImage containerImage = new ContainerImage(image.manifestDigest().toString(), image.launchConfig(), rootfs);
        ContainerStatus before = host.status(name);
        Optional<List<String>> differences = withNetworkChange(host.differences(spec, containerImage), network, before);
        boolean recreate = differences.isEmpty() || !differences.get().isEmpty();
        boolean replacedOld = false; // the old container is gone: a failure from here on is worth a rollback
        ContainerResult result;
        long t2;
        try {
            if (recreate) {
                if (replaces != null && !replaces.equals(name) && before.state() == ContainerState.ABSENT) {
                    ContainerRollback.keepReplaced(host, name, replaces, ctx); // start-first: the one beside is what a rollback restores
                } else {
                    ContainerRollback.keepPrevious(host, name, ctx); // rollback: the replaced revision stays restorable
                }
                // A new container gets a new writable layer: drop the old container and whatever rootfs was left.
                ctx.activity().now(Step.CREATE, "runc: removing the previous container " + name);
                host.ensureAbsent(name);
                replacedOld = before.state() != ContainerState.ABSENT;
                host.removeRootfs(name);
                ctx.activity().now(Step.NETWORK, "attaching " + name + " to its network (CNI)");
                network.converge(); // runc joins the namespace at start: attach while no process is in it
            }
            ctx.activity().now(Step.MOUNT, "mounting the root filesystem of " + name);
            host.mountRootfs(name, image.diffIds());
            ctx.activity().now(state.equals("present") ? Step.CREATE : Step.START, "runc: " + state + " " + name);
            t2 = System.nanoTime();
            result = switch (state) {
                case "present" -> host.ensurePresent(spec, containerImage);
                case "stopped" -> {
                    host.ensurePresent(spec, containerImage);
                    yield host.ensureStopped(name);
                }
                case "restarted" -> {
                    ContainerResult started = host.ensureStarted(spec, containerImage);
                    yield started.changed() ? started : host.restart(name);
                }
                default -> host.ensureStarted(spec, containerImage);
            };
        } catch (LaunchException e) {
            ModuleException failure = Failures.launch(e);
            throw replacedOld ? failure.detail("recreated", true) : failure;
        } catch (ModuleException e) {
            throw replacedOld ? e.detail("recreated", true) : e;
        }
        long t3 = System.nanoTime();
        Map<String, Object> healthData = HealthGate.verify(host, spec, state, recreate || result.changed(), health,
                network.address() != null ? network.address() : HealthGate.hostAddress(spec), ctx); // health gate: fails at step "health" when unhealthy
        ContainerBoot.Outcome boot = ContainerBoot.converge(host, ctx, name); // back after a reboot
        boolean changed = recreate || result.changed() || image.changed() || boot.changed();
        List<String> changes = differences.orElse(List.of("created"));
        ModuleResult.Builder out = ModuleResult.changed(changed)
                .msg(message(before, result.status(), recreate, changes))
                .put("container", describe(result.status(), request, rootfs))
                .put("image", image.toData())
                .put("changes", recreate ? changes : List.of())
                .put("warnings", network.withWarnings(withAll(withAll(result.warnings(), boot.warnings()), image.warnings())))
                .put("timings_ms", Map.of("image", millis(t0, t1), "rootfs", millis(t1, t2), "container", millis(t2, t3)));
        if (healthData != null) out.put("health", healthData);
        network.report(out);
        if (logs) {
            ContainerLogs tail = host.logs(name, LOG_TAIL_BYTES);
            out.put("logs", Map.of("stdout", tail.stdout(), "stderr", tail.stderr()));
        }
        if (ctx.diff() && changed) diff(out, before, result.status(), recreate ? changes : List.of());
        return out.build();
    }

    private ModuleResult check(ContainerSpec spec, String state, ImageRequest request, ContainerHost host, ContainerNetwork network)
            throws ModuleException {
        ContainerStatus before = host.status(spec.name());
        Optional<EnsuredImage> image = request.policy() == PullPolicy.ALWAYS ? Optional.empty() : new ImageEnsurer(host).findLocal(request);
        boolean changed;
        String why;
        if (image.isEmpty()) {
            changed = true;
            why = "image would be pulled";
        } else {
            ContainerImage containerImage = new ContainerImage(image.get().manifestDigest().toString(), image.get().launchConfig(),
                    host.rootfs(spec.name()));
            Optional<List<String>> differences = withNetworkChange(host.differences(spec, containerImage), network, before);
            if (differences.isEmpty() || !differences.get().isEmpty()) {
                changed = true;
                why = differences.isEmpty() ? "would be created" : "would be recreated: " + String.join("; ", differences.get());
            } else {
                boolean running = before.state() == ContainerState.RUNNING || before.state() == ContainerState.RESTARTING;
                changed = switch (state) {
                    case "started" -> !running;
                    case "stopped" -> running;
                    case "restarted" -> true;
                    default -> false;
                };
                why = changed ? "would be " + state : "is " + before.state().id();
            }
        }
        ModuleResult.Builder out = ModuleResult.changed(changed).msg("container " + spec.name() + " " + why)
                .put("container", describe(before, request, host.rootfs(spec.name())));
        network.report(out);
        return out.build();
    }

    private ModuleResult absent(String name, ContainerHost host, ContainerNetwork network, ModuleContext ctx) throws ModuleException {
        ContainerStatus before = host.status(name);
        boolean hasRootfs = host.hasRootfs(name);
        boolean changed = before.state() != ContainerState.ABSENT || hasRootfs;
        ContainerStatus after = before;
        if (changed && !ctx.check()) {
            after = host.ensureAbsent(name).status();
            host.removeRootfs(name);
            ContainerRollback.forget(host, name, ctx);
        }
        changed |= detachNetwork(network, ctx);
        if (!ctx.check()) changed |= ContainerBoot.converge(host, ctx, name).changed(); // the last one takes the boot unit
        ModuleResult.Builder out = ModuleResult.changed(changed).msg(changed ? "container " + name + " removed" : "container " + name + " is absent")
                .put("container", describe(after, null, null));
        if (ctx.diff() && changed) diff(out, before, after, List.of());
        return out.build();
    }

    private static List<String> withAll(List<String> first, List<String> second) {
        if (second.isEmpty()) return first;
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    // ---- network (the container's own IP, see ContainerNetwork) ----

    /** The container's differences plus a {@code network: old -> new} line; a container that does not exist stays empty. */
    private static Optional<List<String>> withNetworkChange(Optional<List<String>> differences, ContainerNetwork network,
            ContainerStatus before) throws ModuleException {
        Optional<String> change = network.difference(before.pid());
        if (differences.isEmpty() || change.isEmpty()) return differences;
        List<String> all = new ArrayList<>(differences.get());
        all.add(change.get());
        return Optional.of(all);
    }

    /** After the container is gone: its attachment goes too. True if there was one (or, in check mode, would go). */
    private static boolean detachNetwork(ContainerNetwork network, ModuleContext ctx) throws ModuleException {
        return ctx.check() ? network.recorded() : network.detach();
    }

    /** What {@code docker inspect} would say. */
    static Map<String, Object> describe(ContainerStatus status, ImageRequest request, Path rootfs) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", status.name());
        c.put("status", status.state().id());
        c.put("running", status.isRunning());
        c.put("pid", status.pid());
        c.put("exit_code", status.exitCode());
        c.put("started_at", status.startedAt() == null ? null : status.startedAt().toString());
        c.put("finished_at", status.finishedAt() == null ? null : status.finishedAt().toString());
        c.put("restart_count", status.restartCount());
        if (request != null) c.put("image", request.reference().toString());
        c.put("image_digest", status.imageDigest());
        c.put("bundle", status.bundle() == null ? null : status.bundle().toString());
        c.put("rootfs", status.state() == ContainerState.ABSENT || rootfs == null ? null : rootfs.toString());
        c.put("log_path", status.stdoutLog() == null ? null : status.stdoutLog().toString()); // both streams, json-file
        c.put("stdout_log", status.stdoutLog() == null ? null : status.stdoutLog().toString());
        c.put("stderr_log", status.stderrLog() == null ? null : status.stderrLog().toString());
        c.put("runtime", status.runtime());
        c.put("runtime_version", status.runtimeVersion());
        return c;
    }

    private static String message(ContainerStatus before, ContainerStatus after, boolean recreate, List<String> changes) {
        String name = after.name();
        if (before.state() == ContainerState.ABSENT) return "container " + name + " created, " + after.state().id();
        if (recreate) return "container " + name + " recreated (" + String.join("; ", changes) + "), " + after.state().id();
        if (before.state() != after.state()) return "container " + name + " " + before.state().id() + " -> " + after.state().id();
        return "container " + name + " is " + after.state().id();
    }

    /** before/after of the fields that changed ({@code "field: old -> new"} lines) plus the state. */
    private static void diff(ModuleResult.Builder out, ContainerStatus before, ContainerStatus after, List<String> changes) {
        Map<String, Object> b = new LinkedHashMap<>();
        Map<String, Object> a = new LinkedHashMap<>();
        b.put("state", before.state().id());
        a.put("state", after.state().id());
        for (String line : changes) {
            int colon = line.indexOf(": ");
            int arrow = line.lastIndexOf(" -> ");
            if (colon < 0 || arrow < colon) continue;
            b.put(line.substring(0, colon), line.substring(colon + 2, arrow));
            a.put(line.substring(0, colon), line.substring(arrow + 4));
        }
        out.diff(b, a);
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
