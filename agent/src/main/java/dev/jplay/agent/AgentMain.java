package dev.jplay.agent;

import dev.jplay.modules.Activity;
import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.protocol.ModuleDeadlines;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleRegistry;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.command.ProcessTrees;
import dev.jplay.protocol.AgentCodec;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.BoundedLineReader;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Protocol;
import dev.jplay.protocol.Step;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent: reads one JSON request per line on stdin, runs each on a worker thread, writes one JSON result
 * per line on stdout (results of pipelined requests may come in any order). At end of input (or {@code bye})
 * it waits for the requests in flight, kills any process tree a module left running, and exits, so it never
 * outlives the controller's SSH channel.
 *
 * <p>Every request has a deadline: the task's {@code timeout} or its module's default ({@link ModuleDeadlines}).
 * A request still running {@link #WATCHDOG_GRACE} after it is answered by the {@link Watchdog}: code
 * {@code TIMEOUT} with what the module was doing ({@link Activity}), even when the worker is stuck in a call
 * nothing can interrupt (an open() of a FIFO); its process trees are killed, the worker interrupted and, if it
 * still does not return, abandoned: its late result is dropped.
 *
 * <p>stdout is the protocol channel: {@code main} points {@code System.out} at stderr and {@code System.in}
 * at an empty stream before any module runs, and only {@link #write} touches the real stdout.
 */
public final class AgentMain {
    /** How long in-flight requests may still run after the controller closed stdin. */
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /**
     * How long after a request's deadline the watchdog answers for it: a module that keeps the deadline itself
     * (a command kills its process tree, then collects the output) reports first, with its own detail. The
     * controller stops waiting later still (its grace is 5 s).
     */
    static final Duration WATCHDOG_GRACE = Duration.ofSeconds(1);

    private final ModuleRegistry registry;
    private final Path stateDir;
    private final OutputStream out;
    private final String agentId;
    private final ConcurrentMap<String, Object> agentState = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(new WorkerThreads());
    private final Watchdog watchdog = new Watchdog();
    /** Requests taken but not yet answered (by their worker or by the watchdog); guarded by itself. */
    private final int[] unanswered = new int[1];
    private volatile boolean outputBroken;

    private final int maxLineBytes;

    AgentMain(ModuleRegistry registry, Path stateDir, OutputStream out, String agentId) {
        this(registry, stateDir, out, agentId, Protocol.MAX_REQUEST_LINE_BYTES);
    }

    AgentMain(ModuleRegistry registry, Path stateDir, OutputStream out, String agentId, int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
        this.registry = registry;
        this.stateDir = stateDir;
        this.out = out;
        this.agentId = agentId;
        watchdog.start();
    }

    public static void main(String[] args) throws IOException {
        Path stateDir = null;
        String agentId = null;
        for (int i = 0; i < args.length; i++) {
            if ("--state-dir".equals(args[i]) && i + 1 < args.length) stateDir = Path.of(args[++i]);
            else if ("--agent-id".equals(args[i]) && i + 1 < args.length) agentId = args[++i];
        }
        if (stateDir == null) stateDir = Path.of(System.getProperty("user.home"), ".jplay", "state");
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        InputStream protocolIn = System.in;
        System.setOut(System.err);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        Runtime.getRuntime().addShutdownHook(new Reaper());
        new AgentMain(ModuleRegistry.standard(), stateDir, protocolOut, agentId).serve(protocolIn);
        // Everything is answered: end of output tells the controller we are done now, not after the JVM's exit
        // work (writing its class-data archive on a first run takes seconds on a busy host).
        protocolOut.close();
        // Over SSH the channel's end of output comes only once stderr is closed too; the JVM's exit work (a
        // first run writes its class-data archive) has nothing to say to the controller.
        System.err.close();
        System.exit(0);
    }

    /** Serves requests from {@code in} until end of input or {@code bye}; returns once in-flight work is done. */
    void serve(InputStream in) throws IOException {
        write(hello());
        BoundedLineReader lines = new BoundedLineReader(in, maxLineBytes);
        byte[] line;
        while ((line = lines.next()) != null && !outputBroken) {
            if (line == BoundedLineReader.TOO_LONG) {
                write(failure(-1, "BAD_REQUEST", "request line longer than " + maxLineBytes
                        + " bytes; skipped"));
                continue;
            }
            if (isBlank(line)) continue;
            AgentRequest req;
            try {
                req = AgentCodec.parseRequest(line);
            } catch (AgentCodec.BadRequest e) {
                write(failure(e.id, "BAD_REQUEST", "bad request: " + e.getMessage()));
                continue;
            }
            if (req.isBye()) break;
            Job job = new Job(req);
            job.arm();
            workers.execute(job);
        }
        workers.shutdown();
        try {
            // Answered is enough: a worker the watchdog abandoned may never return.
            if (!awaitAnswers(DRAIN_TIMEOUT.toMillis())) workers.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.interrupt();
        ProcessTrees.killAll();
        closeAgentState();
    }

    /** What modules keep for the agent's life and must stop with it (the peer blob server's socket). */
    private void closeAgentState() {
        for (Object kept : agentState.values()) {
            if (!(kept instanceof AutoCloseable closeable)) continue;
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("jplay-agent: cannot close " + kept.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private boolean awaitAnswers(long timeoutMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (unanswered) {
            while (unanswered[0] > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) return false;
                unanswered.wait(left);
            }
            return true;
        }
    }

    private AgentHello hello() {
        long pid;
        Long uid = null;
        try {
            // /proc/self names the pid and belongs to the effective uid: cheaper at start-up than
            // ProcessHandle, whose initialisation spins up lambdas.
            Path self = Path.of("/proc/self");
            pid = Long.parseLong(Files.readSymbolicLink(self).toString());
            uid = ((Number) Files.getAttribute(self, "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            pid = ProcessHandle.current().pid(); // not Linux; uid stays unknown
        }
        return new AgentHello(Protocol.VERSION, System.getProperty("java.version"), pid, List.copyOf(registry.names()), agentId, uid);
    }

    AgentResult execute(AgentRequest req, Duration deadline, Activity activity) {
        long start = System.nanoTime();
        TaskModule module = registry.get(req.module());
        if (module == null) {
            return AgentResult.failed(req.id(), new Failure(Step.ARGS, "MODULE_UNKNOWN", "no module named '" + req.module()
                    + "' (agent has: " + String.join(", ", registry.names()) + ")"), 0);
        }
        ModuleContext ctx = new ModuleContext(req.check(), req.diff(), deadline, req.env(), stateDir, agentState, activity);
        try {
            ModuleResult r = module.run(new ModuleArgs(req.module(), req.args()), ctx);
            return r.toAgentResult(req.id(), elapsedMs(start));
        } catch (ModuleException e) {
            // A module that kept its deadline itself: say what it was doing, as the watchdog would.
            if ("TIMEOUT".equals(e.code()) && !e.detailMap().containsKey("activity")) e.detail("activity", activity.describe());
            return AgentResult.failed(req.id(), e.failure(), elapsedMs(start));
        } catch (RuntimeException | Error e) {
            return AgentResult.failed(req.id(), Failure.builder(Step.EXEC, "MODULE_CRASH", req.module() + " crashed: " + e)
                    .detail("exception", e.getClass().getName()).build(), elapsedMs(start));
        }
    }

    /** The watchdog's answer for a request past its deadline. */
    private static AgentResult timedOut(Job job, List<ProcessHandle> killed, boolean running) {
        AgentRequest req = job.req;
        Map<String, Object> detail = new LinkedHashMap<>();
        String activity = job.activity.describe();
        detail.put("activity", activity);
        detail.put("timeout_ms", job.deadline.toMillis());
        detail.put("deadline", req.timeout() != null ? "task timeout" : "module default");
        if (!killed.isEmpty()) {
            List<Long> pids = new ArrayList<>(killed.size());
            for (ProcessHandle p : killed) pids.add(p.pid());
            detail.put("killed_pids", pids);
        }
        // What it was doing is in the detail (the terminal prints it as "doing:"), not repeated here.
        String message = req.module() + " did not finish within its " + job.deadline.toMillis() + " ms deadline ("
                + (req.timeout() != null ? "the task's timeout" : "the module's default; a task's timeout: changes it")
                + ")" + (running ? "" : " and never got a worker thread")
                + (killed.isEmpty() ? "" : "; killed " + killed.size() + " process(es) it started");
        return AgentResult.failed(req.id(), Failure.builder(job.activity.step(), "TIMEOUT", message).detail(detail).build(),
                elapsedMs(job.queuedAt));
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static AgentResult failure(long id, String code, String message) {
        return AgentResult.failed(id, new Failure(Step.AGENT, code, message), 0);
    }

    /**
     * One whole line per message, never interleaved. Module results must be plain JSON values (maps, lists, strings,
     * numbers, booleans, null); one that is not becomes a RESULT_UNWRITABLE error naming the value's type and key.
     */
    private void write(AgentResult result) {
        byte[] bytes;
        try {
            bytes = AgentCodec.encode(result);
        } catch (RuntimeException e) {
            bytes = AgentCodec.encode(failure(result.id(), "RESULT_UNWRITABLE", "cannot serialise the result: " + e.getMessage()));
        }
        writeLine(bytes);
    }

    private void write(AgentHello hello) {
        writeLine(AgentCodec.encode(hello));
    }

    private void writeLine(byte[] bytes) {
        synchronized (this) {
            if (outputBroken) return;
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // The controller is gone: nothing to report to. Stop reading; serve() cleans up.
                outputBroken = true;
            }
        }
    }

    /*
     * Named classes rather than lambdas: the first lambda costs ~10 ms of start-up (invokedynamic bootstrap)
     * unless a CDS archive covers it.
     */
    private final class Job implements Runnable, Watchdog.Deadline {
        final AgentRequest req;
        final Duration deadline;
        final Activity activity = new Activity();
        final long queuedAt = System.nanoTime();
        private final long expiresAt;
        private final AtomicBoolean answered = new AtomicBoolean();
        /** The thread running this job, null before and after; guarded by this. */
        private Thread worker;

        Job(AgentRequest req) {
            this.req = req;
            Duration t = req.timeout();
            this.deadline = t == null || t.isNegative() || t.isZero() ? ModuleDeadlines.defaultFor(req.module()) : t;
            this.expiresAt = queuedAt + deadline.plus(WATCHDOG_GRACE).toNanos();
        }

        void arm() {
            synchronized (unanswered) {
                unanswered[0]++;
            }
            watchdog.arm(this);
        }

        @Override
        public long expiresAtNanos() { return expiresAt; }

        @Override
        public void run() {
            synchronized (this) {
                worker = Thread.currentThread();
            }
            try {
                AgentResult result = execute(req, deadline, activity);
                if (claim()) deliver(result);
            } finally {
                synchronized (this) {
                    worker = null;
                }
                Thread.interrupted(); // the watchdog's interrupt was for this job, not the pool thread's next one
            }
        }

        /** The first of worker and watchdog to claim the job answers it. */
        boolean claim() {
            if (!answered.compareAndSet(false, true)) return false;
            watchdog.disarm(this);
            return true;
        }

        void deliver(AgentResult result) {
            write(result);
            synchronized (unanswered) {
                if (--unanswered[0] == 0) unanswered.notifyAll();
            }
        }

        synchronized Thread worker() { return worker; }

        /** Past the deadline: answer TIMEOUT, kill the process trees this job started, interrupt its worker. */
        @Override
        public void expire() {
            if (!claim()) return;
            Thread w = worker();
            List<ProcessHandle> killed = w == null ? List.of() : ProcessTrees.killStartedBy(w);
            deliver(timedOut(this, killed, w != null));
            synchronized (this) {
                // Still this job's thread (it clears the field under the same lock when it returns).
                if (worker != null) worker.interrupt();
            }
            System.err.println("jplay-agent: request " + req.id() + " (" + req.module() + ") passed its deadline while "
                    + activity.describe() + "; answered TIMEOUT, worker interrupted");
        }
    }

    private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "jplay-agent-worker");
            t.setDaemon(true);
            return t;
        }
    }

    /** SIGTERM/SIGHUP (e.g. sshd closing the session) must not leave task processes behind either. */
    private static final class Reaper extends Thread {
        Reaper() { super("jplay-agent-reaper"); }

        @Override
        public void run() { ProcessTrees.shutdown(); }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) if (b != ' ' && b != '\t' && b != '\r') return false;
        return true;
    }
}
