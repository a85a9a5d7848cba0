package dev.jplay.engine.connection;

import dev.jplay.engine.connection.SshEndpoint.JumpHost;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * Makes authenticated SSH connections as OpenSSH would: endpoint from inventory, settings and ~/.ssh/config
 * ({@link SshEndpoint}); host keys checked for every hop; keys from the ssh-agent first, then identity files
 * (passphrase from the settings); through {@code ProxyJump} hosts, whose connections are opened once and shared by
 * every target behind them until {@link #close} (measured on the test fleet: a raw command through a new bastion
 * connection 381 ms, through the shared one 136 ms). Each handshake (connect, key exchange, authentication) is bounded
 * by the connect timeout.
 */
final class SshConnector implements AutoCloseable {
    /** An agent asking its user to confirm a key (ssh-add -c) waits for a person: allow for that, not forever. */
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(30);

    private final SshSettings settings;
    private final Config config;
    private volatile SshConfig sshConfig;
    private final Map<String, CompletableFuture<SSHClient>> jumps = new ConcurrentHashMap<>();

    SshConnector(SshSettings settings) {
        this.settings = settings;
        DefaultConfig c = new DefaultConfig();
        c.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        this.config = c; // shared: building the algorithm lists per connection is wasted work
    }

    /** An authenticated connection and the endpoint it reached. */
    record Connected(SSHClient client, SshEndpoint endpoint) {}

    Connected connect(HostTarget target) throws ConnectionException {
        String host = target.describe();
        SshEndpoint endpoint;
        try {
            endpoint = SshEndpoint.of(target, settings, sshConfig(host));
        } catch (IllegalArgumentException e) {
            throw new ConnectionException(host, Step.CONNECT, "SSH_OPTIONS", e.getMessage());
        }
        SSHClient via = null;
        if (!endpoint.jumps().isEmpty()) {
            try {
                via = jump(endpoint, endpoint.jumps().size());
            } catch (ConnectionException e) {
                Map<String, Object> detail = new LinkedHashMap<>(e.detail());
                throw new ConnectionException(host, e.step(), e.code(), e.reason(), e.getCause(), detail);
            }
        }
        return new Connected(handshake(host, "", endpoint, via), endpoint);
    }

    private SshConfig sshConfig(String host) throws ConnectionException {
        SshConfig c = sshConfig;
        if (c != null) return c;
        synchronized (this) {
            if (sshConfig == null) {
                try {
                    sshConfig = settings.sshConfig() == null ? SshConfig.empty() : SshConfig.load(settings.sshConfig());
                } catch (SshConfig.SshConfigException e) {
                    throw new ConnectionException(host, Step.CONNECT, "SSH_CONFIG_INVALID", e.getMessage());
                }
            }
            return sshConfig;
        }
    }

    /**
     * The shared connection to the {@code n}th jump host of {@code target}'s chain (itself reached through the
     * ones before it). A broken one is replaced; concurrent callers wait for the one being opened.
     */
    private SSHClient jump(SshEndpoint target, int n) throws ConnectionException {
        SshEndpoint hop = SshEndpoint.jump(target.jumps().get(n - 1), target, sshConfig);
        String key = target.jumps().subList(0, n) + " " + hop.identityFiles();
        while (true) {
            CompletableFuture<SSHClient> mine = new CompletableFuture<>();
            CompletableFuture<SSHClient> f = jumps.putIfAbsent(key, mine);
            if (f == null) {
                try {
                    SSHClient via = n == 1 ? null : jump(target, n - 1);
                    SSHClient c = handshake(hop.describe(), "jump host " + hop.describe() + ": ", hop, via);
                    c.getConnection().setTimeoutMs((int) settings.connectTimeout().toMillis()); // bounds opening channels through it
                    mine.complete(c);
                    return c;
                } catch (ConnectionException | RuntimeException e) {
                    jumps.remove(key, mine); // the next target tries again; the ones waiting now share this failure
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
            SSHClient c = await(f, hop);
            if (c.isConnected() && c.isAuthenticated()) return c;
            jumps.remove(key, f); // lost since: open a new one
        }
    }

    private SSHClient await(CompletableFuture<SSHClient> f, SshEndpoint hop) throws ConnectionException {
        try {
            return f.get(settings.connectTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectionException ce) throw ce;
            throw new ConnectionException(hop.describe(), Step.CONNECT, "CONNECT_FAILED", "jump host " + hop.describe()
                    + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectionException(hop.describe(), Step.CONNECT, "CONNECT_TIMEOUT", "jump host " + hop.describe()
                    + ": no connection within " + settings.connectTimeout().toMillis() * 4 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException(hop.describe(), Step.CONNECT, "INTERRUPTED", "interrupted while connecting", e);
        }
    }

    /**
     * Connect, key exchange and authentication of one hop. A host whose sshd accepts TCP but never speaks
     * (frozen, overloaded) would hold the handshake forever: a watchdog ends it after the connect timeout.
     */
    private SSHClient handshake(String host, String hopPrefix, SshEndpoint endpoint, SSHClient via) throws ConnectionException {
        SSHClient client = newClient();
        AtomicBoolean settled = new AtomicBoolean(); // first of: handshake done, watchdog fired
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (settled.compareAndSet(false, true)) {
                timedOut.set(true);
                disconnectQuietly(client);
            }
        });
        try {
            connect(client, host, hopPrefix, endpoint, via);
            authenticate(client, host, hopPrefix, endpoint);
        } catch (ConnectionException e) {
            settled.set(true);
            disconnectQuietly(client);
            if (timedOut.get()) throw handshakeTimeout(host, hopPrefix, endpoint, e);
            throw e;
        }
        if (!settled.compareAndSet(false, true)) {
            disconnectQuietly(client);
            throw handshakeTimeout(host, hopPrefix, endpoint, null);
        }
        return client;
    }

    private ConnectionException handshakeTimeout(String host, String hopPrefix, SshEndpoint e, Exception cause) {
        return failure(host, hopPrefix, e, Step.CONNECT, "CONNECT_TIMEOUT", "the SSH server at " + e.address() + ":" + e.port()
                + " did not complete connect, key exchange and authentication within " + settings.connectTimeout().toMillis()
                + " ms", cause);
    }

    private SSHClient newClient() {
        SSHClient client = new SSHClient(config);
        client.setSocketFactory(new NoDelaySocketFactory());
        client.setConnectTimeout((int) settings.connectTimeout().toMillis());
        client.getConnection().getKeepAlive().setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        return client;
    }

    private void connect(SSHClient client, String host, String hopPrefix, SshEndpoint e, SSHClient via) throws ConnectionException {
        KnownHostsVerifier verifier;
        try {
            verifier = new KnownHostsVerifier(e.knownHosts(), settings.hostKeyPolicy(), e.address(), e.port());
        } catch (IOException ex) {
            throw failure(host, hopPrefix, e, Step.HOSTKEY, "KNOWN_HOSTS_UNREADABLE",
                    "cannot read " + e.knownHosts() + ": " + ex.getMessage(), ex);
        }
        client.addHostKeyVerifier(verifier);
        DirectConnection tunnel = null;
        if (via != null) {
            try {
                tunnel = via.newDirectConnection(e.address(), e.port());
            } catch (IOException | RuntimeException ex) {
                throw tunnelFailure(host, hopPrefix, e, via, ex);
            }
        }
        try {
            if (tunnel != null) client.connectVia(tunnel);
            else client.connect(e.address(), e.port());
        } catch (IOException | RuntimeException ex) {
            disconnectQuietly(client);
            switch (verifier.refusal()) {
                case MISMATCH:
                    throw failure(host, hopPrefix, e, Step.HOSTKEY, "HOST_KEY_MISMATCH", "the host key "
                            + verifier.offeredFingerprint() + " of " + e.address() + " does not match the one recorded in "
                            + verifier.path() + " (someone may be intercepting the connection; if the host was reinstalled,"
                            + " remove its old entry)", ex);
                case UNKNOWN:
                    throw failure(host, hopPrefix, e, Step.HOSTKEY, "HOST_KEY_UNKNOWN", "the host key "
                            + verifier.offeredFingerprint() + " of " + e.address() + " is not in " + verifier.path()
                            + " (add it, or use host key policy ACCEPT_NEW)", ex);
                default:
                    throw connectFailure(host, hopPrefix, e, ex);
            }
        }
    }

    private ConnectionException tunnelFailure(String host, String hopPrefix, SshEndpoint e, SSHClient via, Exception ex) {
        String where = "the jump host " + via.getRemoteHostname() + " could not open a connection to " + e.address() + ":"
                + e.port() + ": ";
        if (ex instanceof OpenFailException o) {
            String code = o.getReason() == OpenFailException.Reason.ADMINISTRATIVELY_PROHIBITED ? "JUMP_FORWARDING_REFUSED"
                    : "CONNECT_REFUSED";
            return failure(host, hopPrefix, e, Step.CONNECT, code, where + o.getReason() + " " + o.getMessage(), ex);
        }
        return failure(host, hopPrefix, e, Step.CONNECT, "CONNECT_FAILED", where + ex, ex);
    }

    private ConnectionException connectFailure(String host, String hopPrefix, SshEndpoint e, Exception ex) {
        String where = "cannot connect to " + e.address() + ":" + e.port() + ": ";
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof ConnectException) {
            return failure(host, hopPrefix, e, Step.CONNECT, "CONNECT_REFUSED", where + root.getMessage(), ex);
        }
        if (root instanceof SocketTimeoutException) {
            return failure(host, hopPrefix, e, Step.CONNECT, "CONNECT_TIMEOUT",
                    where + "no answer within " + settings.connectTimeout().toMillis() + " ms", ex);
        }
        if (root instanceof NoRouteToHostException) {
            return failure(host, hopPrefix, e, Step.CONNECT, "NO_ROUTE", where + root.getMessage(), ex);
        }
        if (root instanceof UnknownHostException) {
            return failure(host, hopPrefix, e, Step.CONNECT, "UNKNOWN_HOST", where + "unknown host " + root.getMessage(), ex);
        }
        return failure(host, hopPrefix, e, Step.CONNECT, "CONNECT_FAILED", where + root, ex);
    }

    /**
     * Tries, in OpenSSH's order, the ssh-agent's keys (with IdentitiesOnly, only those of the identity files), then
     * the identity files themselves (decrypted with the passphrase when they need one).
     */
    private void authenticate(SSHClient client, String host, String hopPrefix, SshEndpoint e) throws ConnectionException {
        List<AuthMethod> methods = new ArrayList<>();
        String agentProblem = null;
        if (e.agentSocket() != null) {
            SshAgentSocket agent = new SshAgentSocket(e.agentSocket(), AGENT_TIMEOUT);
            try {
                for (SshAgentProtocol.Identity id : agent.identities()) {
                    if (!e.identitiesOnly() || matchesAnyFile(id, e.identityFiles())) methods.add(new SshAgentAuth(agent, id));
                }
            } catch (IOException ex) {
                agentProblem = "the ssh-agent at " + e.agentSocket() + " is not usable (" + ex.getMessage() + ")";
            }
        }
        int agentKeys = methods.size();
        for (Path file : e.identityFiles()) {
            try {
                KeyProvider key = e.passphrase() == null ? client.loadKeys(file.toString()) : client.loadKeys(file.toString(), e.passphrase());
                methods.add(new AuthPublickey(key));
            } catch (IOException | RuntimeException ex) {
                throw failure(host, hopPrefix, e, Step.AUTH, "KEY_UNREADABLE", "cannot read identity file " + file
                        + ": " + ex.getMessage(), ex);
            }
        }
        if (methods.isEmpty()) {
            if (agentProblem != null) {
                throw failure(host, hopPrefix, e, Step.AUTH, "AGENT_UNAVAILABLE", agentProblem + " and no identity file is"
                        + " given or in ~/.ssh (" + String.join(", ", SshEndpoint.DEFAULT_IDENTITIES) + ")", null);
            }
            throw failure(host, hopPrefix, e, Step.AUTH, "NO_IDENTITY", "no ssh-agent key" + (e.agentSocket() == null
                    ? " (SSH_AUTH_SOCK is not set)" : " in " + e.agentSocket()) + ", no identity file given and none of "
                    + SshEndpoint.DEFAULT_IDENTITIES + " in ~/.ssh", null);
        }
        String tried = (agentKeys > 0 ? agentKeys + " ssh-agent key(s)" + (e.identityFiles().isEmpty() ? "" : " and ") : "")
                + (e.identityFiles().isEmpty() ? "" : "identity file(s) " + e.identityFiles())
                + (agentProblem == null ? "" : "; " + agentProblem);
        try {
            client.auth(e.user(), methods);
        } catch (UserAuthException ex) {
            if (mentionsPassphrase(ex)) {
                throw failure(host, hopPrefix, e, Step.AUTH, "KEY_PASSPHRASE", "cannot decrypt identity file(s) "
                        + e.identityFiles() + ": " + (e.passphrase() == null ? "no passphrase given (set "
                        + "JPLAY_SSH_KEY_PASSPHRASE, use --ask-key-passphrase, or load the key into ssh-agent)"
                        : "wrong passphrase"), ex);
            }
            throw failure(host, hopPrefix, e, Step.AUTH, "AUTH_FAILED", "user " + e.user() + " was refused with " + tried, ex);
        } catch (IOException ex) {
            throw failure(host, hopPrefix, e, Step.AUTH, "AUTH_FAILED", "authentication of user " + e.user()
                    + " failed: " + ex.getMessage(), ex);
        }
    }

    private static boolean matchesAnyFile(SshAgentProtocol.Identity id, List<Path> files) {
        for (Path f : files) {
            byte[] blob = SshEndpoint.publicBlob(f);
            if (blob != null && Arrays.equals(blob, id.blob())) return true;
        }
        return false;
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

    /** A failure of a hop; for a jump host, named as such and with its {@code jump_host} in the detail. */
    private static ConnectionException failure(String host, String hopPrefix, SshEndpoint e, Step step, String code,
                                               String message, Throwable cause) {
        Map<String, Object> detail = hopPrefix.isEmpty() ? Map.of() : Map.of("jump_host", e.describe());
        return new ConnectionException(host, step, code, hopPrefix + message, cause, detail);
    }

    /** Ends the shared jump-host connections (the targets' own connections are their owners' to close). */
    @Override
    public void close() {
        for (CompletableFuture<SSHClient> f : jumps.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) disconnectQuietly(f.join());
        }
        jumps.clear();
    }

    static void disconnectQuietly(SSHClient client) {
        try {
            client.disconnect();
        } catch (IOException | RuntimeException e) {
            // Nothing more to release.
        }
    }
}
