package dev.jplay.modules.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills whole process trees, and remembers the processes modules have running so the agent can kill them when
 * it exits: a task's children must not outlive the agent.
 */
public final class ProcessTrees {
    /** Running processes and the thread that started each (the agent's worker for one request). */
    private static final Map<ProcessHandle, Thread> RUNNING = new ConcurrentHashMap<>();
    private static final Object STARTING = new Object();
    private static boolean closed;

    private ProcessTrees() {}

    /**
     * Starts and tracks a process in one step under a lock that {@link #killAll} takes too: a process whose
     * start races with the agent's exit is either never started or killed, never left behind.
     */
    static Process start(ProcessBuilder pb) throws IOException {
        synchronized (STARTING) {
            if (closed) throw new IOException("the agent is shutting down");
            Process p = pb.start();
            RUNNING.put(p.toHandle(), Thread.currentThread());
            return p;
        }
    }

    static void untrack(ProcessHandle p) { RUNNING.remove(p); }

    /** Kills every process tree a module started that still runs. The agent calls it when it stops serving. */
    public static void killAll() {
        synchronized (STARTING) {
            // holding the lock: a start in progress has been tracked
        }
        for (ProcessHandle p : List.copyOf(RUNNING.keySet())) kill(p);
    }

    /**
     * Kills the process trees {@code worker} started that still run: the agent's watchdog ends a request that
     * overran its deadline with it. Returns the processes signalled.
     */
    public static List<ProcessHandle> killStartedBy(Thread worker) {
        Set<ProcessHandle> killed = new LinkedHashSet<>(); // kill() may name a child twice (signalled in both passes)
        for (Map.Entry<ProcessHandle, Thread> e : List.copyOf(RUNNING.entrySet())) {
            if (e.getValue() == worker) killed.addAll(kill(e.getKey()));
        }
        return List.copyOf(killed);
    }

    /** {@link #killAll} and refuse any later start: for the JVM's shutdown hook. */
    public static void shutdown() {
        synchronized (STARTING) {
            closed = true;
        }
        killAll();
    }

    /**
     * SIGKILLs {@code root} and all its descendants. The tree is collected before anything dies (an orphan is
     * re-parented and can no longer be found from the root); children die before the root so that none forks
     * a replacement unnoticed. Returns the processes signalled.
     */
    public static List<ProcessHandle> kill(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        for (ProcessHandle p : tree) p.destroyForcibly();
        root.descendants().forEach(p -> {
            tree.add(p);
            p.destroyForcibly();
        });
        root.destroyForcibly();
        tree.add(root);
        return tree;
    }
}
