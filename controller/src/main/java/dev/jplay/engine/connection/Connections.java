package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;
import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent sessions of one run: opened once per host ({@link HostTarget#sessionKey}: by name, the controller once;
 * a privileged agent, with {@link Become}, is a session of its own on the host's same SSH connection, opened the
 * first time a task needs it) on a bounded pool of {@code forks} threads,
 * reused for every task, closed together at the end. A session that died after it was open (agent killed,
 * connection lost, {@link #discard discarded} after a timeout) is reopened on next use with the
 * {@link Reconnect} policy; a host that could not be reached at all is not retried (its failure is kept).
 */
public final class Connections implements AutoCloseable {
    private final SshConnector connector;
    private final SshAgentLauncher ssh;
    private final LocalAgentLauncher local;
    private final ExecutorService pool;
    private final Map<String, CompletableFuture<AgentSession>> sessions = new ConcurrentHashMap<>();
    /** Hosts that had an open session in this run: losing it means reconnecting, with retries. */
    private final Set<String> connectedOnce = ConcurrentHashMap.newKeySet();
    private final Reconnect reconnect;
    private volatile boolean closed;

    private Connections(Builder b) {
        this.connector = new SshConnector(b.ssh);
        this.ssh = new SshAgentLauncher(b.ssh, b.jar, connector, b.runtimes, b.onRuntimePushed);
        this.local = new LocalAgentLauncher(b.jar, b.localAgentDir, b.ssh.agentStartTimeout());
        this.reconnect = b.reconnect;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(b.forks, r -> {
            Thread t = new Thread(r, "jplay-connect-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The session of {@code target}, opening it on the pool the first time, and reopening it (with retries) when
     * it died since; fails with a {@link ConnectionException}.
     */
    public CompletableFuture<AgentSession> open(HostTarget target) {
        Objects.requireNonNull(target, "target");
        if (closed) throw new IllegalStateException("connections are closed");
        return sessions.compute(target.sessionKey(), (key, current) -> {
            if (current == null) return start(target, connectedOnce.contains(key));
            if (!isDead(current)) return current;
            current.join().abort();
            return start(target, true);
        });
    }

    /**
     * Gives up on the host's session (its agent timed out or died mid-task): it is dropped at once, without
     * waiting for a frozen host, and the next {@link #open} reconnects.
     */
    public void discard(HostTarget target) {
        CompletableFuture<AgentSession> f = sessions.remove(target.sessionKey());
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) f.join().abort();
    }

    /** True when the host had an open session in this run (so losing it is worth a reconnect). */
    public boolean connectedOnce(HostTarget target) {
        return connectedOnce.contains(target.sessionKey());
    }

    /** Drops whatever session the host has and opens a new one with the {@link Reconnect} policy (blocking). */
    public AgentSession reconnect(HostTarget target) throws ConnectionException {
        sessions.compute(target.sessionKey(), (key, current) -> {
            if (current != null && !current.isDone()) return current; // already connecting
            if (current != null && !current.isCompletedExceptionally()) current.join().abort();
            return start(target, true);
        });
        return session(target);
    }

    private CompletableFuture<AgentSession> start(HostTarget target, boolean retry) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AgentSession s = retry ? reconnect.open(() -> openOnce(target)) : openOnce(target);
                connectedOnce.add(target.sessionKey());
                return s;
            } catch (ConnectionException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(new ConnectionException(target.describe(), Step.CONNECT,
                        "INTERRUPTED", "interrupted while reconnecting", e));
            }
        }, pool);
    }

    private AgentSession openOnce(HostTarget target) throws ConnectionException {
        return target.kind() == HostTarget.Kind.LOCAL ? local.open(target) : ssh.open(target);
    }

    /** Opened, then lost: the agent died, broke the protocol or was aborted. */
    private static boolean isDead(CompletableFuture<AgentSession> f) {
        return f.isDone() && !f.isCompletedExceptionally() && !f.join().isOpen();
    }

    /** Opens all targets in parallel (bounded by forks); the map keeps the given order, keyed by host name. */
    public Map<String, CompletableFuture<AgentSession>> openAll(Collection<HostTarget> targets) {
        Map<String, CompletableFuture<AgentSession>> result = new LinkedHashMap<>();
        for (HostTarget t : targets) result.put(t.name(), open(t));
        return result;
    }

    /** Blocking form of {@link #open}. */
    public AgentSession session(HostTarget target) throws ConnectionException {
        try {
            return open(target).get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException(target.describe(), Step.CONNECT, "INTERRUPTED",
                    "interrupted while connecting", e);
        }
    }

    /** The {@link ConnectionException} behind a failed {@link #open} future (unwrapping CompletionException). */
    public static ConnectionException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof ConnectionException e) return e;
        if (c instanceof RuntimeException r) throw r;
        if (c instanceof Error e) throw e;
        throw new IllegalStateException(c);
    }

    /**
     * Runs {@code command} on the host without its agent (the {@code raw} module): on a connection of its own,
     * closed afterwards (jump-host connections stay shared), or with /bin/sh on the controller for a local host.
     * Fails with a {@link ConnectionException} when the host cannot be reached or the command cannot be started.
     */
    public RawCommand.Result raw(HostTarget target, String command, java.time.Duration timeout) throws ConnectionException {
        if (closed) throw new IllegalStateException("connections are closed");
        if (target.kind() == HostTarget.Kind.LOCAL) {
            try {
                return RawCommand.local(command, timeout);
            } catch (java.io.IOException e) {
                throw new ConnectionException(target.describe(), Step.AGENT, "EXEC_FAILED",
                        "cannot start /bin/sh: " + e.getMessage(), e);
            }
        }
        SshConnector.Connected c = connector.connect(target);
        try {
            return RawCommand.overSsh(c.client(), target.name(), command, timeout);
        } catch (java.io.IOException e) {
            throw new ConnectionException(target.describe(), Step.CONNECT, "CONNECTION_LOST",
                    "the connection ended while running a raw command: " + e.getMessage(), e);
        } finally {
            SshConnector.disconnectQuietly(c.client());
        }
    }

    /**
     * Starts {@code argv} on the host on an SSH channel of its own (a terminal when {@code pty} is given), as the
     * target's become user when it has one, on a connection of its own that {@link InteractiveCommand#close} ends.
     * Returns once the command starts (within the connect timeout); for {@code jplay exec -t}.
     */
    public InteractiveCommand interactive(HostTarget target, List<String> argv, InteractiveCommand.Pty pty, java.time.Duration startTimeout)
            throws ConnectionException {
        if (closed) throw new IllegalStateException("connections are closed");
        if (target.kind() == HostTarget.Kind.LOCAL) {
            throw new ConnectionException(target.describe(), Step.CONNECT, "LOCAL_HOST", "an interactive command needs an SSH host;"
                    + " on this machine run it directly: " + String.join(" ", argv));
        }
        SshConnector.Connected c = connector.connect(target);
        try {
            return InteractiveCommand.open(c.client(), target, argv, pty, startTimeout);
        } catch (ConnectionException | RuntimeException e) {
            SshConnector.disconnectQuietly(c.client());
            throw e;
        }
    }

    /** How many agent jars were uploaded to hosts in this run. */
    public int uploads() {
        return ssh.uploads();
    }

    /** How many Java runtimes were uploaded to hosts without Java in this run. */
    public int runtimeUploads() {
        return ssh.runtimeUploads();
    }

    /** Closes every session in parallel: agents get EOF, finish, exit; connections end. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        ExecutorService closer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jplay-disconnect");
            t.setDaemon(true);
            return t;
        });
        for (CompletableFuture<AgentSession> f : sessions.values()) {
            closing.add(f.handle((s, e) -> s).thenAcceptAsync(s -> {
                if (s != null) s.close();
            }, closer));
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
        connector.close(); // after the sessions that tunnel through its jump hosts
        closer.shutdown();
        pool.shutdownNow();
    }

    public static final class Builder {
        private SshSettings ssh = SshSettings.defaults();
        private int forks = 20;
        private AgentJar jar;
        private Path localAgentDir = Path.of(System.getProperty("user.home"), RemoteScripts.AGENT_DIR);
        private Reconnect reconnect = Reconnect.DEFAULT;
        private AgentRuntimeBuilder runtimes;
        private java.util.function.BiConsumer<HostTarget, StartupReport.RuntimePush> onRuntimePushed = (t, r) -> {};

        public Builder ssh(SshSettings settings) { this.ssh = Objects.requireNonNull(settings); return this; }

        /** At most this many hosts are being connected at once (Ansible's forks). */
        public Builder forks(int n) {
            if (n < 1) throw new IllegalArgumentException("forks must be at least 1: " + n);
            this.forks = n;
            return this;
        }

        /** Defaults to {@link AgentJar#embedded()}. */
        public Builder agentJar(AgentJar j) { this.jar = Objects.requireNonNull(j); return this; }

        /** Where the local agent's jar is cached; defaults to ~/.jplay/agent. */
        public Builder localAgentDir(Path dir) { this.localAgentDir = Objects.requireNonNull(dir); return this; }

        /** How a lost session is reopened; defaults to {@link Reconnect#DEFAULT}. */
        public Builder reconnect(Reconnect r) { this.reconnect = Objects.requireNonNull(r); return this; }

        /** What makes the Java runtime pushed to hosts without Java; defaults to {@link AgentRuntimeBuilder#fromEnvironment()}. */
        public Builder runtimes(AgentRuntimeBuilder builder) { this.runtimes = Objects.requireNonNull(builder); return this; }

        /** Told of each host a Java runtime was pushed to (on a connect thread), e.g. to print it. */
        public Builder onRuntimePushed(java.util.function.BiConsumer<HostTarget, StartupReport.RuntimePush> listener) {
            this.onRuntimePushed = Objects.requireNonNull(listener);
            return this;
        }

        public Connections build() {
            if (jar == null) jar = AgentJar.embedded();
            if (runtimes == null) runtimes = AgentRuntimeBuilder.fromEnvironment();
            return new Connections(this);
        }
    }
}
