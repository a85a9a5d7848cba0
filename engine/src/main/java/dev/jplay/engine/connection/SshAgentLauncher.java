package dev.jplay.engine.connection;

import dev.jplay.engine.connection.ConnectionException.Step;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

/**
 * Opens one SSH connection to a host ({@link SshConnector}) and starts the agent over it, uploading the jar only when the host has
 * no cached copy of this exact build. One exec round trip in the common case.
 */
final class SshAgentLauncher {
    private static final int UPLOAD_CHUNK = 32 * 1024;

    private final SshSettings settings;
    private final AgentJar jar;
    private final SshConnector connector;
    private final AtomicInteger uploads = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    SshAgentLauncher(SshSettings settings, AgentJar jar, SshConnector connector) {
        this.settings = settings;
        this.jar = jar;
        this.connector = connector;
    }

    /** How many times this launcher uploaded the agent jar. */
    int uploads() {
        return uploads.get();
    }

    AgentSession open(HostTarget target) throws ConnectionException {
        long start = System.nanoTime();
        SshConnector.Connected connected = connector.connect(target);
        SSHClient client = connected.client();
        boolean started = false;
        try {
            Duration connect = since(start);
            long agentStart = System.nanoTime();
            Started agent = startAgent(client, target, connected.endpoint().user());
            started = true;
            return new AgentClient(target, agent.process, agent.lines, agent.hello,
                    new StartupReport(agent.uploaded, connect, since(agentStart)));
        } finally {
            if (!started) SshConnector.disconnectQuietly(client);
        }
    }

    private record Started(SshAgentProcess process, BoundedLineReader lines, AgentHello hello, boolean uploaded) {}

    private Started startAgent(SSHClient client, HostTarget target, String user) throws ConnectionException {
        String host = target.describe();
        SshAgentProcess first = exec(client, target, RemoteScripts.startOrRequestUpload(jar));
        BoundedLineReader lines = new BoundedLineReader(first.stdout(), Protocol.MAX_LINE_BYTES);
        String line = firstLine(target, first, lines);
        boolean uploaded = false;
        if (line.startsWith(RemoteScripts.UPLOAD_MARKER)) {
            first.closeChannel();
            String dir = line.substring(RemoteScripts.UPLOAD_MARKER.length()).strip() + "/" + RemoteScripts.AGENT_DIR;
            String finalPath = dir + "/" + jar.fileName();
            String tempPath = dir + "/." + jar.fileName() + "." + HexFormat.of().formatHex(randomBytes()) + ".tmp";
            upload(client, target, tempPath);
            uploads.incrementAndGet();
            uploaded = true;
            first = exec(client, target, RemoteScripts.verifyAndStart(jar, tempPath, finalPath));
            lines = new BoundedLineReader(first.stdout(), Protocol.MAX_LINE_BYTES);
            line = firstLine(target, first, lines);
            if (line.startsWith(RemoteScripts.BAD_DIGEST_MARKER)) {
                first.closeChannel();
                throw new ConnectionException(host, Step.UPLOAD, "UPLOAD_CORRUPTED", "the uploaded agent jar " + tempPath
                        + " has SHA-256 '" + line.substring(RemoteScripts.BAD_DIGEST_MARKER.length()).strip()
                        + "', expected " + jar.sha256());
            }
        }
        if (line.equals(RemoteScripts.NO_JAVA_MARKER)) {
            first.closeChannel();
            throw new ConnectionException(host, Step.AGENT, "JAVA_MISSING",
                    "no 'java' on the PATH of user " + user + " (the agent needs Java 17 or newer)");
        }
        try {
            return new Started(first, lines, new AgentMessages().parseHello(line), uploaded);
        } catch (AgentMessages.ProtocolViolation v) {
            first.closeChannel();
            throw new ConnectionException(host, Step.AGENT, "PROTOCOL", "the agent's first line is not a valid hello ("
                    + v.getMessage() + "): " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
        }
    }

    private SshAgentProcess exec(SSHClient client, HostTarget target, String script) throws ConnectionException {
        try {
            Session session = client.startSession();
            return new SshAgentProcess(client, session, session.exec(RemoteScripts.viaSh(script)), target.name());
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

    private void upload(SSHClient client, HostTarget target, String tempPath) throws ConnectionException {
        try (SFTPClient sftp = client.newSFTPClient();
             RemoteFile file = sftp.open(tempPath, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL),
                     new FileAttributes.Builder().withPermissions(0600).build());
             OutputStream out = file.new RemoteFileOutputStream(0, 16)) {
            // One SFTP write request per call: keep them below the server's packet limit.
            byte[] bytes = jar.bytes();
            for (int off = 0; off < bytes.length; off += UPLOAD_CHUNK) {
                out.write(bytes, off, Math.min(UPLOAD_CHUNK, bytes.length - off));
            }
        } catch (IOException e) {
            throw new ConnectionException(target.describe(), Step.UPLOAD, "UPLOAD_FAILED", "cannot upload the agent jar ("
                    + jar.size() + " bytes) to " + tempPath + ": " + e.getMessage(), e);
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
