package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.vars.VariableScope;
import java.time.Duration;
import java.util.Map;

/**
 * {@code retries/until/delay}: calls the module until the {@code until} condition holds or the attempts are used up
 * (then the result fails, code RETRIES_EXHAUSTED); {@code changed_when}/{@code failed_when} apply to every attempt.
 */
final class RetryLoop {
    private final ModuleDispatcher dispatcher;
    private final ResultOverrides overrides;
    private final Expressions expressions;

    RetryLoop(ModuleDispatcher dispatcher, ResultOverrides overrides, Expressions expressions) {
        this.dispatcher = dispatcher;
        this.overrides = overrides;
        this.expressions = expressions;
    }

    /** The last attempt's result with its {@code attempts}, or null when the host is unreachable (already reported). */
    TaskResult run(PlayContext play, HostRun host, ModuleTask task, Map<String, Object> args,
                   Map<String, String> env, VariableScope vars, ExecutionTargets.Where where) {
        TaskResult result;
        int attempts = task.retry() == null ? 1 : Math.max(1, task.retry().retries() + 1);
        int attempt = 0;
        while (true) {
            attempt++;
            result = dispatcher.invoke(play, host, task, args, env, vars, where);
            if (result == null) { // unreachable: already reported
                return null;
            }
            overrides.applyOverrides(task, vars, result);
            if (task.retry() == null || task.retry().until().isEmpty()) break;
            Map<String, Object> untilVars = ResultOverrides.withRegistered(vars, task, result);
            if (expressions.test(task.retry().until(), untilVars, task.locationOf("until"))) break;
            if (attempt >= attempts) {
                result.retriesExhausted(attempt);
                break;
            }
            result.attempts(attempt);
            sleep(Duration.ofSeconds(task.retry().delaySeconds()));
        }
        result.attempts(attempt);
        return result;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        }
    }
}
