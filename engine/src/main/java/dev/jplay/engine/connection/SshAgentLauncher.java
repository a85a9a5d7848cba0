package dev.jplay.engine.connection;

import dev.jplay.engine.connection.ConnectionException.Step;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/**
 * Opens one SSH connection to a host (shared by its login-user and privileged agents) and starts the agent over it, uploading the jar only when the host has
 * no cached copy of this exact build. One exec round trip in the common case.
 */
final class SshAgentLauncher {
    private static final int UPLOAD_CHUNK = 32 * 1024;
    private static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private final SshSettings settings;
    private final AgentJar jar;
    private final Config config;
    private final AtomicInteger uploads = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private final SharedClients clients = new SharedClients();

    SshAgentLauncher(SshSettings settings, AgentJar jar) {
        this.settings = settings;
        this.jar = jar;
        DefaultConfig c = new DefaultConfig();
        c.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        this.config = c; // shared: building the algorithm lists per connection is wasted work
    }

    /** How many times this launcher uploaded the agent jar. */
    int uploads() {
        return uploads.get();
    }

    AgentSession open(HostTarget target) throws ConnectionException {
        long start = System.nanoTime();
        SharedClients.Lease connection = clients.acquire(target.connectionKey(), () -> connected(target));
        boolean started = false;
        try {
            Duration connect = connection.fresh() ? since(start) : Duration.ZERO;
            long agentStart = System.nanoTime();
            Started agent = startAgent(connection, target);
            started = true;
            return new AgentClient(target, agent.process, agent.lines, agent.hello,
                    new StartupReport(agent.uploaded, connect, since(agentStart)));
        } finally {
            if (!started) connection.release();
        }
    }

    /** A new connection to the host, authenticated as its login user. */
    private SSHClient connected(HostTarget target) throws ConnectionException {
        SSHClient client = newClient(target);
        // A host whose sshd accepts TCP but never speaks (frozen, overloaded) would hold the handshake forever:
        // the connect timeout bounds the whole of connect, key exchange and authentication.
        AtomicBoolean settled = new AtomicBoolean(); // first of: handshake done, watchdog fired
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (settled.compareAndSet(false, true)) {
                timedOut.set(true);
                disconnectQuietly(client);
            }
        });
        boolean done = false;
        try {
            try {
                connect(client, target);
                authenticate(client, target);
            } catch (ConnectionException e) {
                settled.set(true);
                if (timedOut.get()) throw handshakeTimeout(target, e);
                throw e;
            }
            if (!settled.compareAndSet(false, true)) throw handshakeTimeout(target, null);
            done = true;
            return client;
        } finally {
            if (!done) disconnectQuietly(client);
        }
    }

    private ConnectionException handshakeTimeout(HostTarget target, Exception cause) {
        return new ConnectionException(target.describe(), Step.CONNECT, "CONNECT_TIMEOUT", "the SSH server at "
                + target.address() + ":" + target.port() + " did not complete connect, key exchange and authentication within "
                + settings.connectTimeout().toMillis() + " ms", cause);
    }

    private SSHClient newClient(HostTarget target) {
        SSHClient client = new SSHClient(config);
        client.setSocketFactory(new NoDelaySocketFactory());
        client.setConnectTimeout((int) settings.connectTimeout().toMillis());
        client.getConnection().getKeepAlive().setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        return client;
    }

    private void connect(SSHClient client, HostTarget target) throws ConnectionException {
        String host = target.describe();
        KnownHostsVerifier verifier;
        try {
            verifier = new KnownHostsVerifier(settings.knownHosts(), settings.hostKeyPolicy(), target.address(), target.port());
        } catch (IOException e) {
            throw new ConnectionException(host, Step.HOSTKEY, "KNOWN_HOSTS_UNREADABLE",
                    "cannot read " + settings.knownHosts() + ": " + e.getMessage(), e);
        }
        client.addHostKeyVerifier(verifier);
        try {
            client.connect(target.address(), target.port());
        } catch (IOException | RuntimeException e) {
            disconnectQuietly(client);
            switch (verifier.refusal()) {
                case MISMATCH:
                    throw new ConnectionException(host, Step.HOSTKEY, "HOST_KEY_MISMATCH", "the host key "
                            + verifier.offeredFingerprint() + " does not match the one recorded in " + verifier.path()
                            + " (someone may be intercepting the connection; if the host was reinstalled, remove its"
                            + " old entry)", e);
                case UNKNOWN:
                    throw new ConnectionException(host, Step.HOSTKEY, "HOST_KEY_UNKNOWN", "the host key "
                            + verifier.offeredFingerprint() + " is not in " + verifier.path()
                            + " (add it, or use host key policy ACCEPT_NEW)", e);
                default:
                    throw connectFailure(host, target, e);
            }
        }
    }

    private ConnectionException connectFailure(String host, HostTarget target, Exception e) {
        String where = "cannot connect to " + target.address() + ":" + target.port() + ": ";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof ConnectException) {
            return new ConnectionException(host, Step.CONNECT, "CONNECT_REFUSED", where + root.getMessage(), e);
        }
        if (root instanceof SocketTimeoutException) {
            return new ConnectionException(host, Step.CONNECT, "CONNECT_TIMEOUT",
                    where + "no answer within " + settings.connectTimeout().toMillis() + " ms", e);
        }
        if (root instanceof NoRouteToHostException) {
            return new ConnectionException(host, Step.CONNECT, "NO_ROUTE", where + root.getMessage(), e);
        }
        if (root instanceof UnknownHostException) {
            return new ConnectionException(host, Step.CONNECT, "UNKNOWN_HOST", where + "unknown host " + root.getMessage(), e);
        }
        return new ConnectionException(host, Step.CONNECT, "CONNECT_FAILED", where + root, e);
    }

    private void authenticate(SSHClient client, HostTarget target) throws ConnectionException {
        String host = target.describe();
        List<Path> files = identityFiles(target);
        if (files.isEmpty()) {
            throw new ConnectionException(host, Step.AUTH, "NO_IDENTITY", "no identity file given and none of "
                    + DEFAULT_IDENTITIES + " in ~/.ssh");
        }
        List<KeyProvider> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                keys.add(target.passphrase() == null ? client.loadKeys(file.toString())
                        : client.loadKeys(file.toString(), target.passphrase()));
            } catch (IOException | RuntimeException e) {
                throw new ConnectionException(host, Step.AUTH, "KEY_UNREADABLE", "cannot read identity file " + file
                        + ": " + e.getMessage(), e);
            }
        }
        try {
            client.authPublickey(target.user(), keys);
        } catch (UserAuthException e) {
            if (mentionsPassphrase(e)) {
                throw new ConnectionException(host, Step.AUTH, "KEY_PASSPHRASE", "cannot decrypt identity file(s) "
                        + files + ": missing or wrong passphrase", e);
            }
            throw new ConnectionException(host, Step.AUTH, "AUTH_FAILED", "user " + target.user()
                    + " was refused with identity file(s) " + files, e);
        } catch (IOException e) {
            throw new ConnectionException(host, Step.AUTH, "AUTH_FAILED", "authentication of user " + target.user()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean mentionsPassphrase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (name.contains("KeyDecryption") || name.contains("PasswordFinder") || message.contains("passphrase")
                    || message.contains("decrypt")) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> identityFiles(HostTarget target) {
        if (!target.identityFiles().isEmpty()) return target.identityFiles();
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> found = new ArrayList<>();
        for (String name : DEFAULT_IDENTITIES) {
            if (Files.isReadable(ssh.resolve(name))) found.add(ssh.resolve(name));
        }
        return found;
    }

    private record Started(SshAgentProcess process, BoundedLineReader lines, AgentHello hello, boolean uploaded) {}

    private Started startAgent(SharedClients.Lease connection, HostTarget target) throws ConnectionException {
        String host = target.describe();
        SSHClient client = connection.client();
        Become become = target.become();
        SshAgentProcess first = exec(connection, target, RemoteScripts.startOrRequestUpload(jar, become));
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
            first = exec(connection, target, RemoteScripts.verifyAndStart(jar, tempPath, finalPath, become));
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
                    "no 'java' on the PATH of user " + target.user() + " (the agent needs Java 17 or newer)");
        }
        if (become != null) line = becomeHandshake(target, first, lines, line);
        try {
            return new Started(first, lines, new AgentMessages().parseHello(line), uploaded);
        } catch (AgentMessages.ProtocolViolation v) {
            first.closeChannel();
            throw new ConnectionException(host, Step.AGENT, "PROTOCOL", "the agent's first line is not a valid hello ("
                    + v.getMessage() + "): " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
        }
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

    private static void disconnectQuietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException | RuntimeException e) {
            // Nothing more to release.
        }
    }
}
