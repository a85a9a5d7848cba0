package dev.jplay.runtime.launch;

import dev.jplay.protocol.Json;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of a container, containerd's task in the manner of its shim: launches the detached
 * {@link SupervisorScript supervisor} that runs {@code runc run} in the foreground, waits for the start, stops it
 * ({@code stop_requested} first, so the supervisor never restarts what was stopped; then SIGTERM, grace, SIGKILL)
 * and reads what the supervisor and runc say into a {@link ContainerStatus} (state, pid, exit code, restarts).
 */
final class ContainerSupervisor {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SUPERVISOR_APPEAR_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_SLACK = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 10;

    private final RuncRuntime runtime;

    ContainerSupervisor(RuncRuntime runtime) {
        this.runtime = runtime;
    }

    // ---- start ----

    void launch(ContainerFiles files, String name) {
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
                throw new LaunchException(Step.START, "SUPERVISOR_FAILED", "setsid could not start the supervisor")
                        .runtimeExitCode(exit).bundle(files.dir());
            }
        } catch (IOException e) {
            throw new LaunchException(Step.START, "SUPERVISOR_FAILED",
                    "cannot start supervisor for " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(Step.START, "INTERRUPTED", "interrupted starting " + name);
        }
    }

    /** Waits until the process runs, or its first run ended (an exit is a valid outcome; a runc error is not). */
    ContainerStatus awaitStarted(ContainerFiles files, String name) {
        long start = System.nanoTime();
        for (int poll = 1; ; poll++) {
            if (Files.isDirectory(runtime.root().resolve(name))) {
                // runc's state file says "running" without a spawn; ask runc itself every 0.5 s only (a runc whose
                // state file we cannot read), not on every 10 ms poll while the container is still being created.
                Optional<RuncState> state = poll % 50 == 0 ? runtime.state(name) : runtime.runningFromStateFile(name);
                if (state.isPresent() && state.get().isRunning()) return status(files, name);
            }
            if (Files.exists(files.exitCode())) {
                List<String> errors = runtimeErrors(files);
                if (!errors.isEmpty()) {
                    stop(files, name, 0);
                    throw new LaunchException(Step.START, "RUNTIME_FAILED",
                            "runc could not start container '" + name + "': " + String.join("; ", errors))
                            .runtimeExitCode(files.readInt(files.exitCode()))
                            .stderrTail(stderrTail(files))
                            .bundle(files.dir());
                }
                return status(files, name);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (!supervisorAlive(files) && waited.compareTo(SUPERVISOR_APPEAR_TIMEOUT) > 0) {
                throw new LaunchException(Step.START, "SUPERVISOR_FAILED",
                        "the supervisor of '" + name + "' exited without running the container")
                        .stderrTail(logTail(files.dir().resolve("supervisor.log"))).bundle(files.dir());
            }
            if (waited.compareTo(START_TIMEOUT) > 0) {
                throw new LaunchException(Step.START, "START_TIMEOUT",
                        "container '" + name + "' did not start within " + START_TIMEOUT.toSeconds() + " s")
                        .stderrTail(stderrTail(files)).bundle(files.dir());
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

    // ---- stop ----

    /** Returns whether anything had to be stopped. */
    boolean stop(ContainerFiles files, String name, int stopTimeoutSeconds) {
        Optional<RuncState> state = runtime.state(name);
        if (state.isEmpty() && !supervisorAlive(files)) return false;
        try {
            Files.createDirectories(files.dir());
            Files.writeString(files.stopRequested(), "", StandardCharsets.UTF_8); // before any signal: no restart after this
        } catch (IOException e) {
            throw new LaunchException(Step.STOP, "STATE_UNWRITABLE", "cannot write " + files.stopRequested(), e);
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
            boolean supervised = supervisorAlive(files) || supervisor.map(ContainerSupervisor::isRunning).orElse(false);
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
                throw new LaunchException(Step.STOP, "STOP_TIMEOUT",
                        "container '" + name + "' did not stop within " + Duration.ofNanos(giveUpNanos).toSeconds() + " s")
                        .detail("runtime_status", state.map(RuncState::status).orElse("none"))
                        .detail("supervisor_alive", supervised).bundle(files.dir());
            }
            pause();
        }
    }

    // ---- inspect ----

    /** What runc and the supervisor's files say about the container whose bundle is {@code files}. */
    ContainerStatus status(ContainerFiles files, String name) {
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
                record.imageDigest(), files.dir(), files.jsonLog(), files.jsonLog(), runtime.name(), version);
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

    private static String stderrTail(ContainerFiles files) {
        try {
            return ContainerLogs.tail(JsonLogFiles.of(files.dir()), 4000).stderr();
        } catch (IOException e) {
            return "(cannot read " + files.jsonLog() + ")";
        }
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
            throw new LaunchException(Step.INSPECT, "INTERRUPTED", "interrupted while waiting for a container");
        }
    }
}
