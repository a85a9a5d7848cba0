package dev.jplay.runtime.launch;

import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Idempotent container lifecycle in the manner of Ansible's {@code docker_container}, on top of runc.
 *
 * <p>Each container lives in {@code <stateDir>/containers/<name>/} (see {@link ContainerFiles}); runc's own state is
 * in {@link RuncRuntime#root()}. {@code present} means "bundle ready": config.json and spec.json written, no runc
 * container yet, because {@code runc create} + {@code runc start} would detach the process and lose its exit
 * status. {@code started} launches a detached {@link SupervisorScript supervisor} that runs the container in the
 * foreground, records exit codes and applies the restart policy; a stop writes {@code stop_requested} first, so
 * the supervisor never undoes it.
 *
 * <p>A container whose spec, image digest or rootfs differs from the one it was created from is torn down and
 * recreated; the result lists what differed.
 */
public final class ContainerManager {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SUPERVISOR_APPEAR_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_SLACK = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 10;

    private final Path containersDir;
    private final RuncRuntime runtime;
    private final OciConfigGenerator generator = new OciConfigGenerator();
    private final EtcFiles etcFiles = new EtcFiles();
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final PreviousRevisions previous;
    private volatile List<String> runtimeWarnings;

    public ContainerManager(Path stateDir, RuncRuntime runtime) {
        this.containersDir = stateDir.toAbsolutePath().resolve("containers");
        this.runtime = runtime;
        this.previous = new PreviousRevisions(containersDir);
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
            if (status.state() == ContainerState.RUNNING || status.state() == ContainerState.RESTARTING) {
                return result(status, reconciled.changed, reconciled.diff);
            }
            launch(files(spec.name()), spec.name());
            return result(awaitStarted(files(spec.name()), spec.name()), true, reconciled.diff);
        });
    }

    /** Container is not running: SIGTERM, {@code stop_timeout} seconds grace, then SIGKILL. Absent is fine. */
    public ContainerResult ensureStopped(String name) {
        return locked(name, () -> {
            ContainerFiles files = files(name);
            boolean changed = files.exists() && stop(files, name, SpecRecord.read(files.spec()).spec().stopTimeout());
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
                throw new LaunchException(LaunchException.Step.START, "NO_SUCH_CONTAINER", "no container '" + name + "' in " + containersDir);
            }
            stop(files, name, SpecRecord.read(files.spec()).spec().stopTimeout());
            launch(files, name);
            return result(awaitStarted(files, name), true, List.of());
        });
    }

    public ContainerStatus status(String name) {
        return locked(name, () -> inspect(name));
    }

    /** The last {@code tailBytes} bytes of each log. */
    public ContainerLogs logs(String name, long tailBytes) {
        ContainerFiles files = files(name);
        try {
            return new ContainerLogs(Tail.lastBytes(files.stdoutLog(), tailBytes), Tail.lastBytes(files.stderrLog(), tailBytes));
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "LOGS_UNREADABLE", "cannot read logs in " + files.dir() + ": " + e.getMessage(), e);
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
        if (!Files.isDirectory(containersDir)) return List.of();
        try (Stream<Path> dirs = Files.list(containersDir)) {
            return dirs.filter(d -> new ContainerFiles(d).exists()).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "STATE_UNREADABLE", "cannot list " + containersDir + ": " + e.getMessage(), e);
        }
    }

    // ---- revisions (rollback) ----

    /** What the container named {@code name} was created from; empty when it does not exist. */
    public Optional<ContainerRevision> revision(String name) {
        return locked(name, () -> files(name).exists() ? Optional.of(ContainerRevision.of(SpecRecord.read(files(name).spec()))) : Optional.empty());
    }

    /** Keeps the current revision as the one to roll back to; call before a recreate. False when there is none. */
    public boolean keepAsPrevious(String name) {
        return locked(name, () -> previous.keep(name, files(name)));
    }

    /** The revision kept by the last {@link #keepAsPrevious}, if any. */
    public Optional<ContainerRevision> previous(String name) {
        return locked(name, () -> previous.read(name));
    }

    public void forgetPrevious(String name) {
        locked(name, () -> {
            previous.forget(name);
            return null;
        });
    }

    /** Image digests of all kept previous revisions (a prune must keep these images). */
    public java.util.Set<String> previousImageDigests() {
        return previous.imageDigests();
    }

    // ---- reconcile ----

    private record Reconciled(boolean changed, List<String> diff) {}

    private Reconciled reconcile(ContainerSpec spec, ContainerImage image) {
        ContainerFiles files = files(spec.name());
        SpecRecord desired = SpecRecord.of(spec, image);
        String desiredHash = desired.hash();
        // The recorded hash of what the bundle was generated from: equal means the same bundle, valid when written.
        if (files.exists() && desiredHash.equals(SpecRecord.summary(files.spec()).specHash())) return new Reconciled(false, List.of());
        Map<String, Object> config = generator.generate(spec, image.config(), image.rootfs()); // validates before we touch anything
        List<String> diff = List.of();
        if (files.exists()) {
            SpecRecord existing = SpecRecord.read(files.spec());
            if (existing.hash().equals(desiredHash)) return new Reconciled(false, List.of());
            diff = existing.diff(desired);
            teardown(files, spec.name(), existing.spec().stopTimeout());
        }
        writeBundle(files, desired, config);
        return new Reconciled(true, diff);
    }

    private void writeBundle(ContainerFiles files, SpecRecord record, Map<String, Object> config) {
        try {
            Files.createDirectories(files.dir());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> mounts = (List<Map<String, Object>>) config.get("mounts");
            List<Map<String, Object>> withEtc = new ArrayList<>(mounts);
            withEtc.addAll(etcFiles.write(files.dir(), record.spec())); // hostname, hosts, resolv.conf
            config.put("mounts", withEtc);
            ContainerFiles.writeAtomically(files.config(), new String(Json.writePretty(config), StandardCharsets.UTF_8));
            ContainerFiles.writeAtomically(files.supervisorScript(), SupervisorScript.render(files,
                    runtime.runCommand(record.spec().name(), files.dir(), files.runtimeLog()),
                    record.spec().restartPolicy(), record.spec().restartRetries()));
            for (Path log : List.of(files.stdoutLog(), files.stderrLog())) {
                if (!Files.exists(log)) Files.createFile(log);
            }
            ContainerFiles.writeAtomically(files.spec(), record.write()); // last: its presence means "bundle complete"
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.CREATE, "BUNDLE_WRITE_FAILED",
                    "cannot write bundle " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        }
    }

    // ---- start ----

    private void launch(ContainerFiles files, String name) {
        try {
            if (runtime.state(name).isPresent()) runtime.delete(name, true); // leftover of a crashed supervisor
            for (Path stale : List.of(files.stopRequested(), files.exitCode(), files.startedAt(), files.finishedAt(),
                    files.restartCount(), files.supervisorPid(), files.runtimeLog())) {
                Files.deleteIfExists(stale);
            }
            Files.createDirectories(runtime.root());
            ProcessBuilder pb = new ProcessBuilder(SupervisorScript.launchCommand(files.supervisorScript()));
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(files.dir().resolve("supervisor.log").toFile()));
            pb.redirectErrorStream(true);
            int exit = pb.start().waitFor();
            if (exit != 0) {
                throw new LaunchException(LaunchException.Step.START, "SUPERVISOR_FAILED", "setsid could not start the supervisor")
                        .runtimeExitCode(exit).bundle(files.dir());
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.START, "SUPERVISOR_FAILED",
                    "cannot start supervisor for " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.Step.START, "INTERRUPTED", "interrupted starting " + name);
        }
    }

    /** Waits until the process runs, or its first run ended (an exit is a valid outcome; a runc error is not). */
    private ContainerStatus awaitStarted(ContainerFiles files, String name) {
        long start = System.nanoTime();
        for (int poll = 1; ; poll++) {
            if (Files.isDirectory(runtime.root().resolve(name))) {
                // runc's state file says "running" without a spawn; ask runc itself every 0.5 s only (a runc whose
                // state file we cannot read), not on every 10 ms poll while the container is still being created.
                Optional<RuncState> state = poll % 50 == 0 ? runtime.state(name) : runtime.runningFromStateFile(name);
                if (state.isPresent() && state.get().isRunning()) return inspect(name);
            }
            if (Files.exists(files.exitCode())) {
                List<String> errors = runtimeErrors(files);
                if (!errors.isEmpty()) {
                    stop(files, name, 0);
                    throw new LaunchException(LaunchException.Step.START, "RUNTIME_FAILED",
                            "runc could not start container '" + name + "': " + String.join("; ", errors))
                            .runtimeExitCode(files.readInt(files.exitCode()))
                            .stderrTail(logTail(files.stderrLog()))
                            .bundle(files.dir());
                }
                return inspect(name);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (!supervisorAlive(files) && waited.compareTo(SUPERVISOR_APPEAR_TIMEOUT) > 0) {
                throw new LaunchException(LaunchException.Step.START, "SUPERVISOR_FAILED",
                        "the supervisor of '" + name + "' exited without running the container")
                        .stderrTail(logTail(files.dir().resolve("supervisor.log"))).bundle(files.dir());
            }
            if (waited.compareTo(START_TIMEOUT) > 0) {
                throw new LaunchException(LaunchException.Step.START, "START_TIMEOUT",
                        "container '" + name + "' did not start within " + START_TIMEOUT.toSeconds() + " s")
                        .stderrTail(logTail(files.stderrLog())).bundle(files.dir());
            }
            pause();
        }
    }

    /** Messages runc logged at error level during the last run. */
    private static List<String> runtimeErrors(ContainerFiles files) {
        List<String> errors = new ArrayList<>();
        String log = ContainerFiles.readString(files.runtimeLog());
        if (log == null) return errors;
        for (String line : log.split("\n")) {
            try {
                if (Json.parse(line.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> entry && "error".equals(entry.get("level"))) {
                    String message = entry.get("msg") == null ? "" : String.valueOf(entry.get("msg"));
                    if (!errors.contains(message)) errors.add(message);
                }
            } catch (IOException notJson) {
                // runc wrote a plain line (e.g. a Go panic): keep it, it explains the failure
                if (!line.isBlank() && !errors.contains(line)) errors.add(line);
            }
        }
        return errors;
    }

    // ---- stop / delete ----

    /** Returns whether anything had to be stopped. */
    private boolean stop(ContainerFiles files, String name, int stopTimeoutSeconds) {
        Optional<RuncState> state = runtime.state(name);
        if (state.isEmpty() && !supervisorAlive(files)) return false;
        try {
            Files.createDirectories(files.dir());
            Files.writeString(files.stopRequested(), "", StandardCharsets.UTF_8); // before any signal: no restart after this
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.STOP, "STATE_UNWRITABLE", "cannot write " + files.stopRequested(), e);
        }
        Optional<Long> supervisor = supervisorAlive(files) ? supervisorPid(files) : Optional.empty();
        supervisor.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy); // ends a backoff sleep early
        long start = System.nanoTime();
        long graceNanos = Duration.ofSeconds(stopTimeoutSeconds).toNanos();
        long giveUpNanos = graceNanos + STOP_SLACK.toNanos();
        boolean termSent = false;
        long lastKill = 0;
        while (true) {
            state = runtime.state(name);
            boolean supervised = supervisorAlive(files) || supervisor.map(ContainerManager::isRunning).orElse(false);
            if (state.isEmpty() && !supervised) return true;
            long elapsed = System.nanoTime() - start;
            if (state.isPresent()) {
                if ("stopped".equals(state.get().status()) && !supervised) {
                    quietly(() -> runtime.delete(name, true));
                } else if (!termSent && stopTimeoutSeconds > 0) {
                    quietly(() -> runtime.kill(name, "TERM"));
                    termSent = true;
                } else if (elapsed >= graceNanos && System.nanoTime() - lastKill > 500_000_000L) {
                    quietly(() -> runtime.kill(name, "KILL"));
                    lastKill = System.nanoTime();
                }
            }
            if (elapsed > giveUpNanos) {
                throw new LaunchException(LaunchException.Step.STOP, "STOP_TIMEOUT",
                        "container '" + name + "' did not stop within " + Duration.ofNanos(giveUpNanos).toSeconds() + " s")
                        .detail("runtime_status", state.map(RuncState::status).orElse("none"))
                        .detail("supervisor_alive", supervised).bundle(files.dir());
            }
            pause();
        }
    }

    private void teardown(ContainerFiles files, String name, int stopTimeoutSeconds) {
        stop(files, name, stopTimeoutSeconds);
        if (runtime.state(name).isPresent()) runtime.delete(name, true);
        if (!Files.exists(files.dir())) return;
        try (Stream<Path> paths = Files.walk(files.dir())) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(LaunchException.Step.DELETE, "DELETE_FAILED",
                    "cannot remove " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        }
    }

    // ---- inspect ----

    private ContainerStatus inspect(String name) {
        ContainerFiles files = files(name);
        String version = runtime.version().version();
        if (!files.exists()) {
            return new ContainerStatus(name, ContainerState.ABSENT, null, null, null, null, 0, null, null, null, null,
                    runtime.name(), version);
        }
        SpecRecord.Summary record = SpecRecord.summary(files.spec());
        Optional<RuncState> state = runtime.state(name);
        boolean supervised = supervisorAlive(files);
        Integer exitCode = files.readInt(files.exitCode());
        ContainerState containerState;
        if (state.isPresent() && state.get().isRunning()) {
            containerState = ContainerState.RUNNING;
        } else if (supervised) {
            containerState = ContainerState.RESTARTING;
        } else if (exitCode != null || Files.exists(files.startedAt())) {
            containerState = ContainerState.STOPPED;
        } else {
            containerState = ContainerState.CREATED;
        }
        boolean running = containerState == ContainerState.RUNNING;
        Integer restarts = files.readInt(files.restartCount());
        return new ContainerStatus(name, containerState,
                running ? state.get().pid() : null,
                running ? null : exitCode,
                files.readEpochMillis(files.startedAt()),
                running ? null : files.readEpochMillis(files.finishedAt()),
                restarts == null ? 0 : restarts,
                record.imageDigest(), files.dir(), files.stdoutLog(), files.stderrLog(), runtime.name(), version);
    }

    /** True while the process exists and is not a zombie waiting for init to reap it. */
    static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static Optional<Long> supervisorPid(ContainerFiles files) {
        Integer pid = files.readInt(files.supervisorPid());
        return pid == null ? Optional.empty() : Optional.of(pid.longValue());
    }

    /** Alive and really our script (a stale pid file may name a reused pid). */
    private static boolean supervisorAlive(ContainerFiles files) {
        Optional<Long> pid = supervisorPid(files);
        if (pid.isEmpty()) return false;
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", pid.get().toString(), "cmdline"));
            return new String(cmdline, StandardCharsets.UTF_8).contains(files.supervisorScript().toString());
        } catch (IOException gone) {
            return false;
        }
    }

    // ---- helpers ----

    private ContainerResult result(ContainerStatus status, boolean changed, List<String> diff) {
        return new ContainerResult(status, changed, diff, runtimeWarnings());
    }

    private ContainerFiles files(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new LaunchException(LaunchException.Step.SPEC, "BAD_NAME", "invalid container name '" + name + "'");
        }
        return new ContainerFiles(containersDir.resolve(name));
    }

    private static String logTail(Path log) {
        try {
            return Tail.lastBytes(log, 4000);
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (LaunchException raced) {
            // the container exited between our look and the signal; the next poll sees it
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.Step.INSPECT, "INTERRUPTED", "interrupted while waiting for a container");
        }
    }

    /** One operation per container at a time: in this JVM (lock map) and across agents (file lock). */
    private <T> T locked(String name, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(containersDir);
            Path lockFile = containersDir.resolve("." + name + ".lock");
            // FileClaim waits by polling: a blocking fcntl lock got EDEADLK when two agents' threads held and wanted
            // each other's containers (the kernel counts a whole process as one holder).
            try (FileClaim ignored = FileClaim.acquire(lockFile)) {
                return action.get();
            }
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "LOCK_FAILED", "cannot lock container '" + name + "' in " + containersDir, e);
        } finally {
            lock.unlock();
        }
    }
}
