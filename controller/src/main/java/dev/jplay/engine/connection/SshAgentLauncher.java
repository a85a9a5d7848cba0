package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;
import dev.jplay.engine.connection.RemoteScripts.JavaChoice;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import dev.jplay.protocol.Step;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

/**
 * Starts the agent over one SSH connection to a host ({@link SshConnector}), uploading the jar only when the host
 * has no cached copy of this exact build (and a Java runtime when the host has no usable Java). One exec round
 * trip in the common case. The connection is per host and login user, shared by that user's agent and a privileged
 * one ({@link SharedClients}).
 */
final class SshAgentLauncher {
    private static final int UPLOAD_CHUNK = 32 * 1024;

    private final SshSettings settings;
    private final AgentJar jar;
    private final SshConnector connector;
    private final AgentRuntimeBuilder runtimes;
    private final BiConsumer<HostTarget, StartupReport.RuntimePush> onRuntimePushed;
    private final AtomicInteger uploads = new AtomicInteger();
    private final AtomicInteger runtimeUploads = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final SharedClients clients = new SharedClients();

    SshAgentLauncher(SshSettings settings, AgentJar jar, SshConnector connector, AgentRuntimeBuilder runtimes,
                     BiConsumer<HostTarget, StartupReport.RuntimePush> onRuntimePushed) {
        this.settings = settings;
        this.jar = jar;
        this.connector = connector;
        this.runtimes = runtimes;
        this.onRuntimePushed = onRuntimePushed;
    }

    /** How many times this launcher uploaded the agent jar. */
    int uploads() {
        return uploads.get();
    }

    /** How many times this launcher uploaded a Java runtime. */
    int runtimeUploads() {
        return runtimeUploads.get();
    }

    AgentSession open(HostTarget target) throws ConnectionException {
        long start = System.nanoTime();
        SharedClients.Lease connection = clients.acquire(target.connectionKey(), () -> connector.connect(target));
        boolean started = false;
        try {
            Duration connect = connection.fresh() ? since(start) : Duration.ZERO;
            long agentStart = System.nanoTime();
            Started agent = startAgent(connection, target, connection.endpoint().user());
            started = true;
            AgentClient session = new AgentClient(target, agent.process, agent.lines, agent.hello,
                    new StartupReport(agent.uploaded, connect, since(agentStart), agent.runtime));
            if (agent.runtime != null) onRuntimePushed.accept(target, agent.runtime);
            return session;
        } finally {
            if (!started) connection.release();
        }
    }

    private record Started(SshAgentProcess process, BoundedLineReader lines, AgentHello hello, boolean uploaded,
                           StartupReport.RuntimePush runtime) {}

    /** Each answer of the host's script is acted on and a new script sent: at most jar upload, Java, runtime upload, start. */
    private static final int MAX_ROUNDS = 6;

    /**
     * Runs the start script and answers what it asks for, until the agent says hello: an upload of the jar, a Java
     * (a runtime made for the agent: platform checked, built once, uploaded when absent) or the runtime's upload.
     */
    private Started startAgent(SharedClients.Lease connection, HostTarget target, String user) throws ConnectionException {
        String host = target.describe();
        SSHClient client = connection.client();
        Become become = target.become();
        AgentRuntime known = target.java() == null ? runtimes.cached() : null;
        JavaChoice choice = target.java() != null ? JavaChoice.given(target.java())
                : JavaChoice.auto(known == null ? null : known.dirName());
        String script = RemoteScripts.startOrRequestUpload(jar, choice, become);
        boolean uploaded = false;
        String lastUpload = null;
        String jarUpload = null; // the agent jar uploaded together with a runtime
        AgentRuntime runtime = null;
        Duration runtimeUpload = null;
        long installStart = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            SshAgentProcess process = exec(connection, target, script);
            BoundedLineReader lines = new BoundedLineReader(process.stdout(), Protocol.MAX_LINE_BYTES);
            String line;
            try {
                line = firstLine(target, process, lines);
            } catch (ConnectionException e) {
                // A java on the PATH whose version its files did not tell turned out too old: push a runtime instead.
                if (!e.code().equals("JAVA_TOO_OLD") || choice.given() != null || choice.runtimeOnly()) throw e;
                runtime = runtime(target);
                choice = JavaChoice.runtime(runtime.dirName());
                script = RemoteScripts.startOrRequestUpload(jar, choice, become);
                continue;
            }
            if (line.startsWith(RemoteScripts.UPLOAD_MARKER)) {
                process.closeChannel();
                String dir = line.substring(RemoteScripts.UPLOAD_MARKER.length()).strip() + "/" + RemoteScripts.AGENT_DIR;
                String finalPath = dir + "/" + jar.fileName();
                String tempPath = dir + "/." + jar.fileName() + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp";
                upload(client, target, tempPath, "the agent jar", new ByteArrayInputStream(jar.bytes()), jar.size());
                uploads.incrementAndGet();
                uploaded = true;
                lastUpload = "agent jar " + tempPath + " has SHA-256 '%s', expected " + jar.sha256();
                script = RemoteScripts.verifyAndStart(jar, tempPath, finalPath, choice, become);
                continue;
            }
            if (line.startsWith(RemoteScripts.BAD_DIGEST_MARKER) && lastUpload != null) {
                process.closeChannel();
                String digest = line.substring(RemoteScripts.BAD_DIGEST_MARKER.length()).strip();
                String what = lastUpload;
                if (jarUpload != null && digest.endsWith(" " + RemoteScripts.JAR_SUFFIX)) {
                    what = jarUpload;
                    digest = digest.substring(0, digest.length() - RemoteScripts.JAR_SUFFIX.length() - 1);
                }
                throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_CORRUPTED", "the uploaded " + what.formatted(digest));
            }
            if (line.startsWith(RemoteScripts.NO_JAVA_MARKER) && choice.given() != null) {
                process.closeChannel();
                // Only a given jplay_java answers this; without one the script answers NO_JAVA_READY.
                throw new ConnectionException(host, Step.AGENT, "JAVA_MISSING", "jplay_java " + choice.given()
                        + " is not an executable file on the host for user " + user);
            }
            if (line.startsWith(RemoteScripts.NO_JAVA_READY_MARKER) && choice.given() == null) {
                process.closeChannel();
                String[] w = line.substring(RemoteScripts.NO_JAVA_READY_MARKER.length()).strip().split(" ", 3);
                boolean jarAbsent = w.length > 1 && w[1].equals("absent");
                HostAnswer answer = HostAnswer.parse(w.length > 2 ? w[2] : "");
                checkPlatform(target, answer.platform(), w[0]);
                runtime = runtime(target);
                choice = JavaChoice.runtime(runtime.dirName());
                // Both uploads on one SFTP session, then one script installs both and starts the agent.
                String random = HexFormat.of().formatHex(randomBytes());
                String tempPath = answer.home() + "/" + RemoteScripts.RUNTIME_DIR + "/." + runtime.dirName() + "." + random + ".tar.gz.tmp";
                String jarTemp = jarAbsent ? answer.home() + "/" + RemoteScripts.AGENT_DIR + "/." + jar.fileName() + "." + random + ".tmp" : null;
                long uploadStart = System.nanoTime();
                try (SFTPClient sftp = sftp(client, target)) {
                    try (InputStream in = Files.newInputStream(runtime.archive())) {
                        upload(sftp, target, tempPath, "the Java runtime " + runtime.archive(), in, runtime.size());
                    } catch (IOException e) {
                        throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_FAILED", "cannot read the Java runtime "
                                + runtime.archive() + ": " + e.getMessage(), e);
                    }
                    if (jarTemp != null) upload(sftp, target, jarTemp, "the agent jar", new ByteArrayInputStream(jar.bytes()), jar.size());
                } catch (IOException e) {
                    throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_FAILED", "cannot close the SFTP session: " + e.getMessage(), e);
                }
                runtimeUpload = since(uploadStart);
                runtimeUploads.incrementAndGet();
                if (jarTemp != null) {
                    uploads.incrementAndGet();
                    uploaded = true;
                    jarUpload = "agent jar " + jarTemp + " has SHA-256 '%s', expected " + jar.sha256();
                }
                lastUpload = "Java runtime " + tempPath + " has SHA-256 '%s', expected " + runtime.sha256();
                installStart = System.nanoTime();
                script = RemoteScripts.installRuntimeAndStart(runtime, tempPath, jar, jarTemp, become);
                continue;
            }
            if (line.startsWith(RemoteScripts.UPLOAD_RUNTIME_MARKER) && choice.runtimeOnly()) {
                process.closeChannel();
                HostAnswer answer = HostAnswer.parse(line.substring(RemoteScripts.UPLOAD_RUNTIME_MARKER.length()));
                checkPlatform(target, answer.platform(), "a java too old for the agent");
                String tempPath = answer.home() + "/" + RemoteScripts.RUNTIME_DIR + "/." + runtime.dirName() + "."
                        + HexFormat.of().formatHex(randomBytes()) + ".tar.gz.tmp";
                long uploadStart = System.nanoTime();
                try (InputStream in = Files.newInputStream(runtime.archive())) {
                    upload(client, target, tempPath, "the Java runtime " + runtime.archive(), in, runtime.size());
                } catch (IOException e) {
                    throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_FAILED", "cannot read the Java runtime "
                            + runtime.archive() + ": " + e.getMessage(), e);
                }
                runtimeUpload = since(uploadStart);
                runtimeUploads.incrementAndGet();
                lastUpload = "Java runtime " + tempPath + " has SHA-256 '%s', expected " + runtime.sha256();
                installStart = System.nanoTime();
                script = RemoteScripts.installRuntimeAndStart(runtime, tempPath, jar, become);
                continue;
            }
            if (line.startsWith(RemoteScripts.RUNTIME_BROKEN_MARKER)) {
                String stderr = process.stderrTail(Duration.ofSeconds(1));
                process.closeChannel();
                throw new ConnectionException(host, Step.UPLOAD, "RUNTIME_INSTALL_FAILED", "cannot install the Java runtime: "
                        + line.substring(RemoteScripts.RUNTIME_BROKEN_MARKER.length()).strip()
                        + (stderr.isEmpty() ? "" : "; stderr: " + stderr));
            }
            if (become != null) line = becomeHandshake(target, process, lines, line);
            StartupReport.RuntimePush pushed = runtimeUpload == null ? null : new StartupReport.RuntimePush(
                    runtime.dirName(), runtime.size(), runtime.unpackedSize(), runtimeUpload, since(installStart), runtime.built());
            try {
                return new Started(process, lines, AgentCodec.parseHello(line), uploaded, pushed);
            } catch (AgentCodec.ProtocolViolation v) {
                process.closeChannel();
                throw new ConnectionException(host, Step.AGENT, "PROTOCOL", "the agent's first line is not a valid hello ("
                        + v.getMessage() + "): " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
            }
        }
        throw new ConnectionException(host, Step.AGENT, "PROTOCOL", "the host's start script still asked for uploads after "
                + MAX_ROUNDS + " rounds");
    }

    /** Where a host without the runtime is, as a start script says it (NO_JAVA_READY, UPLOAD_RUNTIME): {@code kernel arch libc home}. */
    private record HostAnswer(HostPlatform platform, String home) {
        static HostAnswer parse(String rest) {
            String[] w = rest.strip().split(" ", 4);
            return new HostAnswer(new HostPlatform(part(w, 0), part(w, 1), part(w, 2)), w.length > 3 ? w[3] : "");
        }

        private static String part(String[] w, int i) {
            return i < w.length ? w[i] : null;
        }
    }

    /** A runtime from {@link #runtimes} must suit the host, or the user must give a Java: the error says how. */
    private void checkPlatform(HostTarget target, HostPlatform host, String why) throws ConnectionException {
        HostPlatform made;
        try {
            made = runtimes.platform();
        } catch (IOException e) {
            throw runtimeBuildFailed(target, why, e);
        }
        String mismatch = made.mismatch(host);
        if (mismatch == null) return;
        throw new ConnectionException(target.describe(), Step.AGENT, "RUNTIME_MISMATCH", (why.equals("missing")
                ? "the host has no Java" : "the host's Java is not usable (" + why + ")") + " and it is " + host.describe()
                + ", but the controller's JDK " + runtimes.jdk() + " makes runtimes for " + made.describe() + " (" + mismatch
                + "): install Java 17+ on the host and set 'jplay_java: /path/to/java' for it in the inventory, or name a JDK for "
                + host.describe() + " in " + AgentRuntimeBuilder.JDK_ENV + " on the controller");
    }

    /** The controller's runtime for hosts without Java, built on first need (once per JDK, cached across runs). */
    private AgentRuntime runtime(HostTarget target) throws ConnectionException {
        try {
            return runtimes.get();
        } catch (IOException e) {
            throw runtimeBuildFailed(target, "missing", e);
        }
    }

    private ConnectionException runtimeBuildFailed(HostTarget target, String why, IOException e) {
        return new ConnectionException(target.describe(), Step.AGENT, "RUNTIME_BUILD_FAILED", "the host has no usable Java ("
                + why + ") and the controller cannot make a runtime for it: " + e.getMessage()
                + " (or install Java 17+ on the host and set 'jplay_java: /path/to/java' in the inventory)", e);
    }

    /**
     * The become wrapper's answer before the agent's hello ({@link BecomeScripts}): a request for the password, which
     * is written twice on the channel's stdin (checked, then used; never in a command line), or sudo's refusal.
     * Returns the line after it: the agent's hello.
     */
    private String becomeHandshake(HostTarget target, SshAgentProcess process, BoundedLineReader lines, String line)
            throws ConnectionException {
        if (line.equals(BecomeScripts.PASSWORD_MARKER)) {
            String password = target.become().password();
            if (password == null) {
                process.closeChannel();
                throw BecomeFailure.passwordRequired(target);
            }
            byte[] twice = (password + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                process.stdin().write(twice);
                process.stdin().flush();
            } catch (IOException e) {
                process.closeChannel();
                throw new ConnectionException(target.describe(), Step.BECOME, "EXEC_FAILED", "cannot answer "
                        + target.become().method() + "'s password request: " + e.getMessage(), e);
            } finally {
                Arrays.fill(twice, (byte) 0);
            }
            line = firstLine(target, process, lines);
        }
        if (line.startsWith(BecomeScripts.FAILED_MARKER.strip())) {
            process.closeChannel();
            throw BecomeFailure.of(target, line.substring(BecomeScripts.FAILED_MARKER.strip().length()));
        }
        return line;
    }

    private SshAgentProcess exec(SharedClients.Lease connection, HostTarget target, String script) throws ConnectionException {
        try {
            Session session = connection.client().startSession();
            return new SshAgentProcess(connection, session, session.exec(RemoteScripts.viaSh(script)), target.name());
        } catch (IOException e) {
            throw new ConnectionException(target.describe(), Step.AGENT, "EXEC_FAILED",
                    "cannot start a command over SSH: " + e.getMessage(), e);
        }
    }

    /** The first stdout line of a starting agent or script; a watchdog ends the channel if it takes too long. */
    private String firstLine(HostTarget target, SshAgentProcess process, BoundedLineReader lines) throws ConnectionException {
        FirstLine first = FirstLine.read(lines, settings.agentStartTimeout(), process::closeChannel);
        if (first.line() == null || first.timedOut()) {
            String exit = process.exitDescription(Duration.ofSeconds(2));
            String stderr = process.stderrTail(Duration.ofSeconds(1));
            process.closeChannel();
            throw AgentStartFailure.explain(target.describe(), stderr, exit, first.timedOut());
        }
        return first.line();
    }

    /** Streams {@code size} bytes to a new private file {@code tempPath} (never one that exists) over SFTP. */
    private void upload(SSHClient client, HostTarget target, String tempPath, String what, InputStream source,
                        long size) throws ConnectionException {
        try (SFTPClient sftp = sftp(client, target)) {
            upload(sftp, target, tempPath, what, source, size);
        } catch (IOException e) {
            throw new ConnectionException(target.describe(), Step.UPLOAD, "UPLOAD_FAILED", "cannot upload " + what + " ("
                    + size + " bytes) to " + tempPath + ": " + e.getMessage(), e);
        }
    }

    private static SFTPClient sftp(SSHClient client, HostTarget target) throws ConnectionException {
        try {
            return client.newSFTPClient();
        } catch (IOException e) {
            throw new ConnectionException(target.describe(), Step.UPLOAD, "UPLOAD_FAILED", "cannot open an SFTP session: "
                    + e.getMessage(), e);
        }
    }

    /** {@link #upload(SSHClient, HostTarget, String, String, InputStream, long)} on an open SFTP session. */
    private static void upload(SFTPClient sftp, HostTarget target, String tempPath, String what, InputStream source,
                               long size) throws ConnectionException {
        try (RemoteFile file = sftp.open(tempPath, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL),
                     new FileAttributes.Builder().withPermissions(0600).build());
             OutputStream out = file.new RemoteFileOutputStream(0, 16)) {
            // One SFTP write request per call: keep them below the server's packet limit.
            byte[] buffer = new byte[UPLOAD_CHUNK];
            for (int n; (n = source.read(buffer)) > 0; ) out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new ConnectionException(target.describe(), Step.UPLOAD, "UPLOAD_FAILED", "cannot upload " + what + " ("
                    + size + " bytes) to " + tempPath + ": " + e.getMessage(), e);
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return b;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
