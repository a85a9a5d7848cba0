package dev.jplay.modules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * What a module may know about its invocation and host.
 *
 * @param check      report what would change, change nothing
 * @param diff       include before/after in the result
 * @param timeout    how long the module may take (null: no limit)
 * @param env        extra environment for processes the module starts (task {@code environment:})
 * @param stateDir   the agent's private state directory on this host (content store, containers, ...)
 * @param agentState objects that live as long as the agent process (shared by all modules)
 */
public record ModuleContext(boolean check, boolean diff, Duration timeout, Map<String, String> env,
                            Path stateDir, ConcurrentMap<String, Object> agentState) {
}
