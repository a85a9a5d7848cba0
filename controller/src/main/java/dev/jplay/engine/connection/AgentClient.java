package dev.jplay.engine.connection;

import dev.jplay.protocol.ModuleDeadlines;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's side of the JSON-lines protocol with one running agent: writes pipelined requests, and a
 * reader thread matches results to them by id. The first protocol violation or the agent's death fails every
 * pending call and ends the session: after that, nothing the agent says is trusted.
 *
 * <p>Every request has a deadline: the caller's timeout, sent with it, or else the module's default, which both sides
 * take from {@link ModuleDeadlines} (the agent is built with the controller), so that the agent can say which one
 * ran out. The agent answers {@code TIMEOUT} at it by itself. This side is the backstop for an agent that does not answer at all
 * (its JVM frozen, the link cut): {@link #TIMEOUT_GRACE} after the deadline the call fails with {@code agent/TIMEOUT}.
 */
final class AgentClient implements AgentSession {
    /** How long after the agent's own deadline the controller stops waiting for a result. */
    static final Duration TIMEOUT_GRACE = Duration.ofSeconds(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** One timer thread for every session's backstops; a call that is answered cancels (removes) its entry. */
    private static final ScheduledThreadPoolExecutor BACKSTOPS = backstopTimer();

    private final HostTarget target;
    private final AgentProcess process;
    private final BoundedLineReader lines;
    private final AgentHello hello;
    private final StartupReport startup;
    private final ConcurrentHashMap<Long, CompletableFuture<AgentResult>> pending = new ConcurrentHashMap<>();
    /** Ids the controller gave up on: their late results are dropped, not treated as violations. */
    private final Map<Long, Boolean> abandoned = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread reader;
    private volatile ConnectionException failure;
    private volatile boolean closing;

    AgentClient(HostTarget target, AgentProcess process, BoundedLineReader lines, AgentHello hello, StartupReport startup) {
        this.target = target;
        this.process = process;
        this.lines = lines;
        this.hello = hello;
        this.startup = startup;
        this.reader = new Thread(this::readResults, "jplay-agent-reader-" + target.name());
        reader.setDaemon(true);
        reader.start();
    }

    @Override public HostTarget target() { return target; }
    @Override public AgentHello hello() { return hello; }
    @Override public StartupReport startup() { return startup; }
    @Override public boolean isOpen() { return failure == null && !closing; }
    @Override public FileStaging staging() throws IOException { return process.staging(); }

    @Override
    public CompletableFuture<AgentResult> call(String module, Map<String, Object> args, boolean check, boolean diff,
                                               Duration timeout, Map<String, String> env) {
        long id = ids.incrementAndGet();
        CompletableFuture<AgentResult> result = new CompletableFuture<>();
        pending.put(id, result);
        ConnectionException dead = failure;
        if (dead == null && closing) dead = error("SESSION_CLOSED", "the session is closed", null);
        if (dead != null) {
            pending.remove(id);
            return CompletableFuture.failedFuture(dead);
        }
        Duration given = timeout == null || timeout.isZero() ? null : timeout;
        Duration deadline = ModuleDeadlines.effective(module, given);
        AgentRequest request = AgentRequest.run(id, module, args, check, diff, given == null ? null : given.toMillis(), env);
        byte[] line;
        try {
            line = AgentCodec.encode(request);
        } catch (IllegalArgumentException e) {
            pending.remove(id);
            return CompletableFuture.failedFuture(e);
        }
        try {
            send(line);
        } catch (IOException e) {
            fail(exited("AGENT_EXITED", "cannot send request " + id + " (" + module + "): " + e.getMessage(), e));
            return result;
        }
        ScheduledFuture<?> backstop = BACKSTOPS.schedule(() -> giveUp(id, module, deadline),
                deadline.plus(TIMEOUT_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> backstop.cancel(false));
        return result;
    }

    private void giveUp(long id, String module, Duration deadline) {
        CompletableFuture<AgentResult> f = pending.remove(id);
        if (f == null) return;
        abandoned.put(id, Boolean.TRUE);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("module", module);
        detail.put("timeout_ms", deadline.toMillis());
        detail.put("activity", "unknown: the agent sent nothing, not even its own TIMEOUT (frozen, or the link is cut)");
        f.completeExceptionally(new ConnectionException(target.describe(), Step.AGENT, "TIMEOUT", "no answer to " + module
                + " (request " + id + ") within its " + deadline.toMillis() + " ms deadline + " + TIMEOUT_GRACE.toSeconds()
                + " s grace", null, detail));
    }

    private static ScheduledThreadPoolExecutor backstopTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jplay-agent-backstop");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private synchronized void send(byte[] line) throws IOException {
        OutputStream out = process.stdin();
        out.write(line);
        out.flush();
    }

    private void readResults() {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                AgentResult result;
                try {
                    result = AgentCodec.parseResult(line, id -> pending.containsKey(id) || abandoned.containsKey(id));
                } catch (AgentCodec.ProtocolViolation v) {
                    fail(error("PROTOCOL", "agent sent an invalid message (" + v.getMessage() + "): "
                            + preview(line), null));
                    process.destroy();
                    return;
                }
                if (abandoned.remove(result.id()) != null) continue;
                CompletableFuture<AgentResult> f = pending.remove(result.id());
                if (f != null) f.complete(result);
            }
            if (closing) {
                fail(error("SESSION_CLOSED", "the session was closed before the agent answered", null));
            } else {
                fail(exited("AGENT_EXITED", "the agent exited", null));
            }
        } catch (BoundedLineReader.LineTooLongException e) {
            fail(error("PROTOCOL", "agent sent a " + e.getMessage() + " (limit " + dev.jplay.protocol.Protocol.MAX_LINE_BYTES
                    + " bytes)", e));
            process.destroy();
        } catch (IOException e) {
            fail(exited(closing ? "SESSION_CLOSED" : "AGENT_EXITED", "lost the agent's output: " + e.getMessage(), e));
        }
    }

    /**
     * The agent is gone: the message gets " (killed by signal KILL); stderr: ..." and the detail {@code exit} and
     * {@code stderr_tail}, as far as they are known.
     */
    private ConnectionException exited(String code, String message, Throwable cause) {
        String exit = process.exitDescription(Duration.ofSeconds(2));
        String stderr = process.stderrTail(Duration.ofMillis(500));
        StringBuilder sb = new StringBuilder(message);
        Map<String, Object> detail = new LinkedHashMap<>();
        if (exit != null) {
            sb.append(" (").append(exit).append(')');
            detail.put("exit", exit);
        }
        if (!stderr.isEmpty()) {
            sb.append("; stderr: ").append(stderr);
            detail.put("stderr_tail", stderr);
        }
        return new ConnectionException(target.describe(), Step.AGENT, code, sb.toString(), cause, detail);
    }

    private void fail(ConnectionException e) {
        synchronized (this) {
            if (failure == null) failure = e;
        }
        for (Long id : pending.keySet()) {
            CompletableFuture<AgentResult> f = pending.remove(id);
            if (f != null) f.completeExceptionally(failure);
        }
    }

    private ConnectionException error(String code, String message, Throwable cause) {
        return new ConnectionException(target.describe(), Step.AGENT, code, message, cause);
    }

    private static String preview(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /**
     * The agent stopped answering (or died): fail what is pending and drop the transport on a background thread,
     * so a frozen host cannot hold up the run. The agent gets EOF whenever its host's sshd notices.
     */
    @Override
    public void abort() {
        synchronized (this) {
            closing = true;
        }
        fail(error("SESSION_CLOSED", "the session was abandoned: the agent stopped answering", null));
        process.abandon(); // before any reconnect can pick the same (maybe frozen) connection again
        Thread t = new Thread(process::destroy, "jplay-abort-" + target.name());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) return;
            closing = true;
        }
        try {
            // EOF on stdin: the agent finishes what is in flight, answers and exits.
            process.stdin().close();
        } catch (IOException e) {
            // Already gone; destroy() below makes sure.
        }
        try {
            reader.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The agent closes its output once everything is answered; its JVM may still be writing a class-data
        // archive. Waiting for that would add seconds to the first run on every host, and nothing needs the status.
        process.exitDescription(Duration.ofMillis(200));
        process.destroy();
        fail(error("SESSION_CLOSED", "the session is closed", null));
    }
}
