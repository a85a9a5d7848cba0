package dev.jplay.engine.connection;

import dev.jplay.protocol.AgentLaunch;
import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jarFile = cacheDir.resolve(jar.fileName());
        Path archive = archiveFor(jarFile, System.getProperty("java.home"), System.getProperty("java.vm.version"));
        boolean recording = !usableArchive(archive, jarFile);
        List<String> command = recording ? recordingCommand(java, jarFile, archive) : archivedCommand(java, jarFile, archive);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("LC_ALL", AgentLaunch.LOCALE); // UTF-8 file names, see AgentLaunch.LOCALE
            process = builder.start();
        } catch (IOException e) {
            throw new ConnectionException(host, Step.AGENT, "EXEC_FAILED", "cannot start " + command + ": " + e.getMessage(), e);
        }
        LocalAgentProcess agent = new LocalAgentProcess(process, target.name(), recording);
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

    /**
     * The agent's class-data archive (AppCDS, the agent's own classes; ~25 ms less to its hello, see {@link AgentLaunch})
     * for one java: beside the cached jar, whose name carries its content hash, and named by that java too, because an
     * archive maps only into the JVM that wrote it. A new agent build or another java thus gets its own archive.
     */
    static Path archiveFor(Path jarFile, String javaHome, String vmVersion) {
        String javaId = AgentJar.sha256Hex((javaHome + "\n" + vmVersion).getBytes(StandardCharsets.UTF_8));
        return jarFile.resolveSibling(jarFile.getFileName() + "." + javaId.substring(0, 12) + ".jsa");
    }

    /**
     * An archive records its jar's size and mtime; the JVM ignores it if the jar was rewritten since (a deleted and
     * rewritten cache), and would do so on every start: such an archive is deleted, to be recorded again.
     */
    static boolean usableArchive(Path archive, Path jarFile) {
        try {
            if (!Files.isRegularFile(archive)) return false;
            if (Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jarFile)) >= 0) return true;
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            // unreadable or undeletable: start without it; the recording run's rename replaces it
        }
        return false;
    }

    private static List<String> archivedCommand(String java, Path jarFile, Path archive) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(AgentLaunch.JVM_FLAGS);
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-jar");
        command.add(jarFile.toString());
        return command;
    }

    /**
     * The first start of a jar on this java records the archive as the agent exits: the same shell as on remote hosts
     * ({@link AgentLaunch#startScript}), which renames it into place only after a normal exit. The paths come in as
     * $1 and $2, so no character in them is the shell's.
     */
    private static List<String> recordingCommand(String java, Path jarFile, Path archive) {
        return List.of("/bin/sh", "-c", "J=\"$1\"; A=\"$2\"\n" + AgentLaunch.startScript(AgentLaunch.quote(java), "$A", List.of()),
                "jplay-agent", jarFile.toString(), archive.toString());
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
