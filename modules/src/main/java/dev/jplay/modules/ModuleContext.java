package dev.jplay.modules;

import dev.jplay.protocol.ModuleDeadlines;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * What a module may know about its invocation and host.
 *
 * @param check      report what would change, change nothing
 * @param diff       include before/after in the result
 * @param timeout    the request's deadline: the task's {@code timeout:} or the module's default
 *                   ({@link ModuleDeadlines}); null only outside the agent (tests). The agent's watchdog ends the
 *                   request shortly after it; a module that keeps it itself reports better (e.g. a command's output)
 * @param env        extra environment for processes the module starts (task {@code environment:})
 * @param stateDir   the agent's private state directory on this host (content store, containers, ...)
 * @param agentState objects that live as long as the agent process (shared by all modules)
 * @param activity   what the module is doing now; update it before anything that may block
 */
public record ModuleContext(boolean check, boolean diff, Duration timeout, Map<String, String> env,
                            Path stateDir, ConcurrentMap<String, Object> agentState, Activity activity) {

    /** A context with a fresh activity record nobody reads. */
    public ModuleContext(boolean check, boolean diff, Duration timeout, Map<String, String> env,
                         Path stateDir, ConcurrentMap<String, Object> agentState) {
        this(check, diff, timeout, env, stateDir, agentState, new Activity());
    }
}
