package dev.jplay.modules.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills whole process trees, and remembers the processes modules have running so the agent can kill them when
 * it exits: a task's children must not outlive the agent.
 */
public final class ProcessTrees {
    private static final Set<ProcessHandle> RUNNING = ConcurrentHashMap.newKeySet();

    private ProcessTrees() {}

    static void track(ProcessHandle p) { RUNNING.add(p); }

    static void untrack(ProcessHandle p) { RUNNING.remove(p); }

    /** Kills every process tree a module started and that still runs. Called by the agent on exit. */
    public static void killAll() {
        for (ProcessHandle p : List.copyOf(RUNNING)) kill(p);
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
