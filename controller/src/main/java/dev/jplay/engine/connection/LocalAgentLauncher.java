package dev.jplay.engine.connection;

import dev.jplay.protocol.AgentLaunch;
import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts the agent on the controller itself with the controller's own JVM, from a cached copy of the jar. */
final class LocalAgentLauncher {
    private final AgentJar jar;
    private final Path cacheDir;
    private final Duration startTimeout;

    LocalAgentLauncher(AgentJar jar, Path cacheDir, Duration startTimeout) {
        this.jar = jar;
        this.cacheDir = cacheDir;
        this.startTimeout = startTimeout;
    }

    AgentSession open(HostTarget target) throws ConnectionException {
        long start = System.nanoTime();
        String host = target.describe();
        if (target.become() != null && !target.become().user().equals(System.getProperty("user.name"))) {
            // The controller's own agent runs as the user running jplay: sudo on the controller is the user's to do.
            throw new ConnectionException(host, Step.BECOME, "BECOME_LOCAL_UNSUPPORTED", "become on the controller itself"
                    + " (connection: local) is not supported: run jplay as " + target.become().user() + " instead of "
                    + System.getProperty("user.name"));
        }
        boolean written = ensureJar(host);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(AgentLaunch.JVM_FLAGS);
        command.add("-jar");
        command.add(cacheDir.resolve(jar.fileName()).toString());
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("LC_ALL", AgentLaunch.LOCALE); // UTF-8 file names, see AgentLaunch.LOCALE
            process = builder.start();
        } catch (IOException e) {
            throw new ConnectionException(host, Step.AGENT, "EXEC_FAILED", "cannot start " + command + ": " + e.getMessage(), e);
        }
        LocalAgentProcess agent = new LocalAgentProcess(process, target.name());
        BoundedLineReader lines = new BoundedLineReader(agent.stdout(), Protocol.MAX_LINE_BYTES);
        FirstLine first = FirstLine.read(lines, startTimeout, agent::destroy);
        String line = first.line();
        if (line == null) {
            agent.destroy();
            throw AgentStartFailure.explain(host, agent.stderrTail(Duration.ofSeconds(1)),
                    agent.exitDescription(Duration.ofSeconds(2)), first.timedOut());
        }
        try {
            AgentHello hello = AgentCodec.parseHello(line);
            return new AgentClient(target, agent, lines, hello, new StartupReport(written, Duration.ZERO,
                    Duration.ofNanos(System.nanoTime() - start)));
        } catch (AgentCodec.ProtocolViolation v) {
            agent.destroy();
            throw new ConnectionException(host, Step.AGENT, "PROTOCOL", "the agent's first line is not a valid hello ("
                    + v.getMessage() + ")");
        }
    }

    /** Writes the cached jar when missing (temp file, verify, atomic rename); true if it wrote it. */
    private boolean ensureJar(String host) throws ConnectionException {
        Path target = cacheDir.resolve(jar.fileName());
        if (Files.isRegularFile(target)) return false;
        try {
            Files.createDirectories(cacheDir);
            try {
                Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: nothing to tighten.
            }
            AtomicFiles.write(target, jar.bytes(), temp -> {
                if (!AgentJar.sha256Hex(Files.readAllBytes(temp)).equals(jar.sha256())) {
                    throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_CORRUPTED", "the agent jar written to "
                            + temp + " does not read back with SHA-256 " + jar.sha256());
                }
            }, AtomicFiles.Option.OWNER_ONLY);
            return true;
        } catch (IOException e) {
            throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_FAILED", "cannot write the agent jar to " + target
                    + ": " + e.getMessage(), e);
        }
    }
}
