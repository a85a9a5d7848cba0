package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.HostTools;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code runc} binary with its own {@code --root} state directory (so jplay's containers never mix with
 * other runc users' in /run/runc). Every failure becomes a {@link LaunchException} with runc's exit code and stderr.
 */
public final class RuncRuntime {
    /** Where runc is looked for last, and what errors name when the host has none. */
    public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/runc");
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Path binary;
    private final Path root;
    private volatile RuncVersion version;

    /**
     * @param binary the runc executable
     * @param root runc's state directory (absolute), e.g. {@code <agent state dir>/runc}
     */
    public RuncRuntime(Path binary, Path root) {
        if (!root.isAbsolute()) throw new IllegalArgumentException("runc --root must be absolute: " + root);
        this.binary = binary;
        this.root = root;
    }

    /** The host's runc ({@link HostTools#find}: PATH, then the system directories), with state kept in {@code stateDir/runc}. */
    public static RuncRuntime under(Path stateDir) {
        Path binary = HostTools.current().find("runc").orElse(DEFAULT_BINARY);
        return new RuncRuntime(binary, stateDir.toAbsolutePath().resolve("runc"));
    }

    public Path binary() { return binary; }

    public Path root() { return root; }

    public String name() { return "runc"; }

    /** {@code runc --version}, parsed once and cached. */
    public RuncVersion version() {
        RuncVersion v = version;
        if (v == null) {
            Result result = exec(Step.INSPECT, List.of(binary.toString(), "--version"));
            version = v = RuncVersion.parse(result.stdout);
        }
        return v;
    }

    /**
     * {@code runc create}: sets up the container and leaves its process waiting for {@link #start}. The container's
     * stdout/stderr are appended to the given files (they outlive this call, so they cannot be pipes).
     */
    public void create(String id, Path bundle, Path stdout, Path stderr) {
        ProcessBuilder pb = new ProcessBuilder(global("create", "--bundle", bundle.toString(),
                "--pid-file", bundle.resolve("runc.pid").toString(), id));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        int exit = waitFor(Step.CREATE, pb);
        if (exit != 0) {
            String tail;
            try {
                tail = Tail.lastBytes(stderr, 4000);
            } catch (IOException e) {
                tail = "(cannot read " + stderr + ": " + e.getMessage() + ")";
            }
            throw new LaunchException(Step.CREATE, "RUNTIME_FAILED", "runc create " + id + " failed")
                    .runtimeExitCode(exit).stderrTail(tail).bundle(bundle);
        }
    }

    public void start(String id) {
        exec(Step.START, global("start", id));
    }

    /** Sends a signal ("TERM", "KILL", ...) to the container's init process. */
    public void kill(String id, String signal) {
        exec(Step.STOP, global("kill", id, signal));
    }

    /** {@code runc delete}; with force, a running container is killed first. */
    public void delete(String id, boolean force) {
        exec(Step.DELETE, force ? global("delete", "--force", id) : global("delete", id));
    }

    /**
     * The container's state, or empty when runc does not know it. A running container is recognised from runc's
     * state file and /proc ({@link RuncStateFile}); only other states cost a {@code runc state}.
     */
    public Optional<RuncState> state(String id) {
        if (!Files.isDirectory(root.resolve(id))) return Optional.empty();
        Optional<RuncState> running = RuncStateFile.running(root.resolve(id));
        if (running.isPresent()) return running;
        return stateFromRunc(id);
    }

    /** The container's state if its state file and /proc show it running; empty means "not known to be running". */
    public Optional<RuncState> runningFromStateFile(String id) {
        return RuncStateFile.running(root.resolve(id));
    }

    /** {@code runc state}: what runc itself says, for any status. */
    Optional<RuncState> stateFromRunc(String id) {
        if (!Files.isDirectory(root.resolve(id))) return Optional.empty();
        Result result = run(global("state", id));
        if (result.exit != 0) {
            if (result.stderr.contains("does not exist") || !Files.isDirectory(root.resolve(id))) return Optional.empty();
            throw failure(Step.INSPECT, global("state", id), result);
        }
        try {
            return Optional.of(RuncState.fromJson(Json.parseObject(result.stdout.getBytes(StandardCharsets.UTF_8))));
        } catch (IOException | IllegalArgumentException e) {
            throw new LaunchException(Step.INSPECT, "RUNTIME_BAD_OUTPUT",
                    "cannot parse runc state of " + id + ": " + e.getMessage(), e);
        }
    }

    /** All containers in this runtime's root. */
    public List<RuncState> list() {
        Result result = exec(Step.INSPECT, global("list", "--format", "json"));
        try {
            Object states = Json.parse(result.stdout.getBytes(StandardCharsets.UTF_8));
            if (states == null) return List.of(); // runc prints null when it has no containers
            if (!(states instanceof List<?> entries)) throw new IOException("expected a JSON array");
            List<RuncState> out = new ArrayList<>();
            for (Object entry : entries) out.add(RuncState.fromJson(Json.asObject(entry)));
            return out;
        } catch (IOException | IllegalArgumentException e) {
            throw new LaunchException(Step.INSPECT, "RUNTIME_BAD_OUTPUT",
                    "cannot parse runc list: " + e.getMessage(), e);
        }
    }

    /**
     * The argv of a foreground {@code runc run}, which returns the container's exit status (128+signal if killed).
     * runc's own messages go as JSON lines to {@code runtimeLog}, which tells a runc failure from a container exit.
     */
    public List<String> runCommand(String id, Path bundle, Path runtimeLog) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", root.toString(),
                "--log", runtimeLog.toString(), "--log-format", "json"));
        command.addAll(List.of("run", "--bundle", bundle.toString(), id));
        return command;
    }

    private List<String> global(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", root.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result exec(Step step, List<String> command) {
        Result result = run(command);
        if (result.exit != 0) throw failure(step, command, result);
        return result;
    }

    private static LaunchException failure(Step step, List<String> command, Result result) {
        int from = command.size() > 3 && command.get(1).equals("--root") ? 3 : 1;
        return new LaunchException(step, "RUNTIME_FAILED", "runc " + String.join(" ", command.subList(from, command.size())) + " failed")
                .runtimeExitCode(result.exit).stderrTail(result.stderr);
    }

    private Result run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = startProcess(Step.INSPECT, pb);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String stdout = readAll(process.getInputStream());
        int exit = awaitExit(process, command);
        return new Result(exit, stdout, stderr.join());
    }

    private int waitFor(Step step, ProcessBuilder pb) {
        return awaitExit(startProcess(step, pb), pb.command());
    }

    private Process startProcess(Step step, ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new LaunchException(step, "RUNTIME_NOT_FOUND", "cannot execute " + binary + ": " + e.getMessage()
                    + " (runc is not on the PATH or in " + String.join(", ", HostTools.current().searchPath())
                    + "; install it: jplay setup, or the package runc)", e);
        }
    }

    private static int awaitExit(Process process, List<String> command) {
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LaunchException(Step.INSPECT, "RUNTIME_TIMEOUT",
                        String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new LaunchException(Step.INSPECT, "INTERRUPTED", "interrupted waiting for " + command.get(0));
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
