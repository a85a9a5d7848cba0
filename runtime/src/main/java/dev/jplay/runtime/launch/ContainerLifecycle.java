package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Idempotent container lifecycle in the manner of Ansible's {@code docker_container}, on top of runc: create,
 * start, stop, delete; one operation per container at a time ({@link ContainerLocks}).
 *
 * <p>Each container lives in {@code <stateDir>/containers/<name>/} (see {@link ContainerFiles}); runc's own state is
 * in {@link RuncRuntime#root()}. {@code present} means "bundle ready" ({@link ContainerBundles}): config.json and
 * spec.json written, no runc container yet, because {@code runc create} + {@code runc start} would detach the
 * process and lose its exit status. {@code started} launches a detached supervisor ({@link ContainerSupervisor})
 * that runs the container in the foreground, records exit codes and applies the restart policy; a stop writes
 * {@code stop_requested} first, so the supervisor never undoes it. Rollback revisions are
 * {@link ContainerRevisions}'. A start with a restart policy also marks the container {@code start_at_boot} (a stop
 * or a start without a policy clears it): what the host's boot unit ({@link BootUnit}) starts again after a reboot,
 * through {@link #bootSkipReason} and {@link #startRecorded}.
 *
 * <p>A container whose spec, image digest or rootfs differs from the one it was created from is torn down and
 * recreated; the result lists what differed.
 */
public final class ContainerLifecycle {
    private final Path containersDir;
    private final RuncRuntime runtime;
    private final ContainerBundles bundles;
    private final ContainerSupervisor supervisor;
    private final ContainerLocks locks;
    private volatile List<String> runtimeWarnings;

    public ContainerLifecycle(Path stateDir, RuncRuntime runtime) {
        this.containersDir = stateDir.toAbsolutePath().resolve("containers");
        this.runtime = runtime;
        this.bundles = new ContainerBundles(containersDir, runtime);
        this.supervisor = new ContainerSupervisor(runtime);
        this.locks = new ContainerLocks(containersDir);
    }

    /**
     * Bundle exists with this spec; the container is not started. A differing container is torn down (even if it
     * was running) and recreated in state {@code created}.
     */
    public ContainerResult ensurePresent(ContainerSpec spec, ContainerImage image) {
        return locked(spec.name(), () -> {
            Reconciled reconciled = reconcile(spec, image);
            return result(inspect(spec.name()), reconciled.changed, reconciled.diff);
        });
    }

    /** Container runs with this spec: unchanged if it already does (or is between restarts). */
    public ContainerResult ensureStarted(ContainerSpec spec, ContainerImage image) {
        return locked(spec.name(), () -> {
            Reconciled reconciled = reconcile(spec, image);
            ContainerStatus status = inspect(spec.name());
            markStartAtBoot(files(spec.name()), spec.restartPolicy());
            if (status.state() == ContainerState.RUNNING || status.state() == ContainerState.RESTARTING) {
                return result(status, reconciled.changed, reconciled.diff);
            }
            supervisor.launch(files(spec.name()), spec.name());
            return result(supervisor.awaitStarted(files(spec.name()), spec.name()), true, reconciled.diff);
        });
    }

    /** Container is not running: SIGTERM, {@code stop_timeout} seconds grace, then SIGKILL. Absent is fine. */
    public ContainerResult ensureStopped(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            deleteFile(files.startAtBoot()); // first: a reboot during the stop must not bring it back
            boolean changed = files.exists() && supervisor.stop(files, name, SpecRecord.read(files.spec()).spec().stopTimeout());
            return result(inspect(name), changed, List.of());
        });
    }

    /** Container and all its files are gone (the caller's rootfs is left alone). */
    public ContainerResult ensureAbsent(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            boolean changed = false;
            if (files.exists()) {
                teardown(files, name, SpecRecord.read(files.spec()).spec().stopTimeout());
                changed = true;
            } else if (Files.exists(files.dir()) || runtime.state(name).isPresent()) {
                teardown(files, name, 0);
                changed = true;
            }
            return result(inspect(name), changed, List.of());
        });
    }

    /** Stops (if running) and starts again with the spec it was created from. */
    public ContainerResult restart(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            if (!files.exists()) {
                throw new LaunchException(Step.START, "NO_SUCH_CONTAINER", "no container '" + name + "' in " + containersDir);
            }
            ContainerSpec spec = SpecRecord.read(files.spec()).spec();
            supervisor.stop(files, name, spec.stopTimeout());
            markStartAtBoot(files, spec.restartPolicy());
            supervisor.launch(files, name);
            return result(supervisor.awaitStarted(files, name), true, List.of());
        });
    }

    // ---- boot (see ContainerFiles#startAtBoot) ----

    /**
     * Whether {@code name} is to be started when its host boots: it has a restart policy and jplay last started it
     * (not stopped, not only created). The host's boot unit exists while any container says yes.
     */
    public boolean startAtBoot(String name) {
        return Files.exists(files(name).startAtBoot()) && files(name).exists();
    }

    /** True if any container on this host is to be started at boot. */
    public boolean anyStartAtBoot() {
        for (String name : names()) {
            if (startAtBoot(name)) return true;
        }
        return false;
    }

    /**
     * Why the boot restore leaves {@code name} alone, or empty when it is to be started now: not meant to run at boot,
     * or already running (a restore run twice). However its last run ended, a marked container starts, as a
     * {@code state: started} apply would start it: a clean shutdown ends an {@code on-failure} container with its
     * SIGTERM exit status, and it must come back all the same.
     */
    public Optional<String> bootSkipReason(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            if (!files.exists()) return Optional.of("no such container");
            if (!Files.exists(files.startAtBoot())) return Optional.of("not started by jplay with a restart policy");
            ContainerStatus status = inspect(name);
            if (status.state() == ContainerState.RUNNING || status.state() == ContainerState.RESTARTING) {
                return Optional.of("already " + status.state().id());
            }
            return Optional.empty();
        });
    }

    /**
     * Starts {@code name} from the bundle it was created from, unless it runs: the boot restore, once its rootfs is
     * mounted and its network attached again (both lived under /run or in mounts a reboot drops).
     */
    public ContainerResult startRecorded(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            if (!files.exists()) {
                throw new LaunchException(Step.START, "NO_SUCH_CONTAINER", "no container '" + name + "' in " + containersDir);
            }
            ContainerStatus status = inspect(name);
            if (status.state() == ContainerState.RUNNING || status.state() == ContainerState.RESTARTING) {
                return result(status, false, List.of());
            }
            supervisor.launch(files, name);
            return result(supervisor.awaitStarted(files, name), true, List.of());
        });
    }

    private static void markStartAtBoot(ContainerFiles files, RestartPolicy policy) {
        if (policy == RestartPolicy.NO) {
            deleteFile(files.startAtBoot());
            return;
        }
        if (Files.exists(files.startAtBoot())) return;
        try {
            ContainerFiles.writeAtomically(files.startAtBoot(), policy.id() + "\n");
        } catch (IOException e) {
            throw new LaunchException(Step.START, "STATE_UNWRITABLE", "cannot write " + files.startAtBoot() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LaunchException(Step.STOP, "STATE_UNWRITABLE", "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    public ContainerStatus status(String name) {
        return locked(name, () -> inspect(name));
    }

    /** The last {@code tailBytes} characters of each stream. */
    public ContainerLogs logs(String name, long tailBytes) {
        ContainerFiles files = files(name);
        try {
            return ContainerLogs.tail(JsonLogFiles.of(files.dir()), tailBytes);
        } catch (IOException e) {
            throw new LaunchException(Step.INSPECT, "LOGS_UNREADABLE", "cannot read logs in " + files.dir() + ": " + e.getMessage(), e);
        }
    }

    /** Warnings about the runtime itself (known CVEs of its version). */
    public List<String> runtimeWarnings() {
        List<String> warnings = runtimeWarnings;
        if (warnings == null) runtimeWarnings = warnings = CveAdvisor.warnings(runtime.version());
        return warnings;
    }

    public Path containerDir(String name) { return files(name).dir(); }

    /**
     * What {@code ensure*} would have to recreate, without touching anything: empty when no container of that name
     * exists, an empty list when it matches, else one line per differing field (as in {@link ContainerResult#diff}).
     * Lets a caller replace state it owns (e.g. a fresh rootfs) before the recreate.
     */
    public Optional<List<String>> differences(ContainerSpec spec, ContainerImage image) {
        return locked(spec.name(), () -> {
            ContainerFiles files = files(spec.name());
            if (!files.exists()) return Optional.empty();
            SpecRecord desired = SpecRecord.of(spec, image);
            String desiredHash = desired.hash();
            if (desiredHash.equals(SpecRecord.summary(files.spec()).specHash())) return Optional.of(List.<String>of());
            SpecRecord existing = SpecRecord.read(files.spec());
            return Optional.of(existing.hash().equals(desiredHash) ? List.of() : existing.diff(desired));
        });
    }

    /** Names of all containers with a complete bundle. */
    public List<String> names() {
        return bundles.names();
    }

    // ---- reconcile ----

    private record Reconciled(boolean changed, List<String> diff) {}

    private Reconciled reconcile(ContainerSpec spec, ContainerImage image) {
        ContainerFiles files = files(spec.name());
        SpecRecord desired = SpecRecord.of(spec, image);
        String desiredHash = desired.hash();
        // The recorded hash of what the bundle was generated from: equal means the same bundle, valid when written.
        if (files.exists() && desiredHash.equals(SpecRecord.summary(files.spec()).specHash())) return new Reconciled(false, List.of());
        Map<String, Object> config = bundles.config(spec, image); // validates before we touch anything
        List<String> diff = List.of();
        if (files.exists()) {
            SpecRecord existing = SpecRecord.read(files.spec());
            if (existing.hash().equals(desiredHash)) return new Reconciled(false, List.of());
            diff = existing.diff(desired);
            teardown(files, spec.name(), existing.spec().stopTimeout());
        }
        bundles.write(files, desired, config);
        return new Reconciled(true, diff);
    }

    // ---- stop / delete ----

    private void teardown(ContainerFiles files, String name, int stopTimeoutSeconds) {
        supervisor.stop(files, name, stopTimeoutSeconds);
        if (runtime.state(name).isPresent()) runtime.delete(name, true);
        bundles.delete(files);
    }

    private ContainerStatus inspect(String name) {
        return supervisor.status(files(name), name);
    }

    // ---- helpers ----

    private ContainerResult result(ContainerStatus status, boolean changed, List<String> diff) {
        return new ContainerResult(status, changed, diff, runtimeWarnings());
    }

    private ContainerFiles files(String name) {
        return bundles.files(name);
    }

    private <T> T locked(String name, Supplier<T> action) {
        return locks.locked(name, action);
    }
}
