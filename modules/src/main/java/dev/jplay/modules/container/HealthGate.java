package dev.jplay.modules.container;

import dev.jplay.modules.Activity;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerLogs;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.ContainerState;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.launch.NetworkMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds a {@code container} task until its container is healthy, or fails it at step {@code health} with what a
 * person needs to see why (the last check's output, how many checks ran, the container's own log tail) — Kamal's
 * "target failed to become healthy" without logging into the host.
 *
 * <p>After a (re)start: failures during {@code start_period} do not count; then the container is unhealthy once
 * {@code retries} checks failed, and healthy once checks kept passing for {@code min_healthy}. A container that
 * was already running gets the checks without start period and min_healthy, so re-applying a playbook still
 * reveals an unhealthy container. A container that exits fails the gate at once. The task's {@code timeout}, when
 * set, bounds the whole wait (code HEALTH_TIMEOUT).
 */
final class HealthGate {
    private static final long LOG_TAIL_BYTES = 2000;
    /** Leaves the agent time to answer before the controller's own deadline for the task. */
    private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(1);

    private HealthGate() {}

    /** Where checks without an explicit target go: the host's loopback for {@code network_mode: host}, else unknown. */
    static String hostAddress(ContainerSpec spec) {
        return spec.networkMode().kind() == NetworkMode.Kind.HOST ? "127.0.0.1" : null;
    }

    /**
     * The hook after a container task: records the healthcheck (for a later rollback) and, for states started and
     * restarted, waits for health. Returns the result's {@code health} data, or null when nothing was checked.
     *
     * @param restarted whether this task (re)started the container
     * @param address   where checks without an explicit target go (see {@link #hostAddress}); null if unknown
     */
    static Map<String, Object> verify(ContainerHost host, ContainerSpec spec, String state, boolean restarted, HealthCheck check,
            String address, ModuleContext ctx) throws ModuleException {
        new HealthRecords(ctx.stateDir()).saveCurrent(spec.name(), check);
        if (check == null || !(state.equals("started") || state.equals("restarted"))) return null;
        return await(host, spec.name(), check, restarted, address, ctx.timeout(), ctx.activity());
    }

    /** Waits for health; throws a located failure at step {@code health} if the container does not get there. */
    static Map<String, Object> await(ContainerHost host, String name, HealthCheck check, boolean restarted, String address,
            Duration taskTimeout, Activity activity) throws ModuleException {
        if (check.needsAddress() && address == null) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "container: healthcheck of '" + name + "' needs the container's address "
                    + "(network_mode host) or an explicit target: a full http URL, tcp host:port, or cmd");
        }
        HealthProbe probe = new HealthProbe(check, address, host.exec(), name);
        Duration startPeriod = restarted ? check.startPeriod() : Duration.ZERO;
        Duration minHealthy = restarted ? check.minHealthy() : Duration.ZERO;
        long start = System.nanoTime();
        Long deadline = taskTimeout == null ? null : start + taskTimeout.minus(TIMEOUT_MARGIN).toNanos();
        Long healthySince = null;
        int attempts = 0;
        int failures = 0;
        HealthProbe.Attempt last = null;
        while (true) {
            ContainerStatus status = host.status(name);
            if (status.state() != ContainerState.RUNNING && status.state() != ContainerState.RESTARTING) {
                throw unhealthy(host, name, check, address, restarted, "CONTAINER_EXITED", "container " + name + " is "
                        + status.state().id() + (status.exitCode() == null ? "" : " (exit code " + status.exitCode() + ")")
                        + " instead of healthy", last, attempts, failures, start);
            }
            attempts++;
            activity.now(Step.HEALTH, "health check " + attempts + " of " + name + ": " + check.describe(address));
            long checkedAt = System.nanoTime();
            last = status.state() == ContainerState.RESTARTING
                    ? new HealthProbe.Attempt("CONTAINER_RESTARTING", "the container exited and is being restarted", null, null)
                    : probe.run();
            if (last.healthy()) {
                if (healthySince == null) healthySince = checkedAt;
                if (System.nanoTime() - healthySince >= minHealthy.toNanos()) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("status", "healthy");
                    data.put("check", check.describe(address));
                    data.put("attempts", attempts);
                    data.put("failures", failures);
                    data.put("elapsed_ms", millisSince(start));
                    data.put("last_output", last.output());
                    return data;
                }
            } else {
                healthySince = null;
                if (checkedAt - start >= startPeriod.toNanos()) failures++;
                if (failures >= check.retries()) {
                    throw unhealthy(host, name, check, address, restarted, last.code(), "container " + name + " failed to become healthy: "
                            + check.describe(address) + ": " + last.output(), last, attempts, failures, start);
                }
            }
            long sleepNanos = check.interval().toNanos() - (System.nanoTime() - checkedAt);
            if (deadline != null && System.nanoTime() + Math.max(0, sleepNanos) > deadline) {
                throw unhealthy(host, name, check, address, restarted, "HEALTH_TIMEOUT", "container " + name + " was not healthy within the task's "
                        + taskTimeout.toSeconds() + " s timeout: " + check.describe(address) + ": " + last.output(), last, attempts, failures, start);
            }
            sleep(sleepNanos);
        }
    }

    private static ModuleException unhealthy(ContainerHost host, String name, HealthCheck check, String address, boolean restarted,
            String code, String message, HealthProbe.Attempt last, int attempts, int failures, long start) {
        ModuleException e = new ModuleException(Step.HEALTH, code, message)
                .detail("container", name)
                .detail("check", check.describe(address))
                .detail("attempts", attempts)
                .detail("failures", failures)
                .detail("elapsed_ms", millisSince(start))
                .detail("recreated", restarted);
        if (last != null) {
            e.detail("last_code", last.code()).detail("last_output", last.output())
                    .detail("http_status", last.httpStatus()).detail("exit_code", last.exitCode());
        }
        try {
            ContainerStatus status = host.status(name);
            e.detail("container_status", status.state().id()).detail("container_exit_code", status.exitCode())
                    .detail("restart_count", status.restartCount()).detail("image_digest", status.imageDigest());
            ContainerLogs logs = host.logs(name, LOG_TAIL_BYTES);
            e.detail("stdout_tail", logs.stdout()).detail("stderr_tail", logs.stderr());
        } catch (LaunchException unreadable) {
            e.detail("logs_error", unreadable.getMessage());
        }
        return e;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void sleep(long nanos) throws ModuleException {
        if (nanos <= 0) return;
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Step.HEALTH, "INTERRUPTED", "interrupted while waiting for the container to become healthy");
        }
    }
}
