package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;

/** {@code changed_when} and {@code failed_when}: the task's own verdict over the module's. */
final class ResultOverrides {
    private final Expressions expressions;

    ResultOverrides(Expressions expressions) {
        this.expressions = expressions;
    }

    void applyOverrides(ModuleTask task, VariableScope vars, TaskResult result) {
        if (task.changedWhen() != null) {
            result.changed(expressions.test(task.changedWhen(), withRegistered(vars, task, result), task.locationOf("changed_when")));
        }
        if (task.failedWhen() != null) {
            boolean failed = expressions.test(task.failedWhen(), withRegistered(vars, task, result), task.locationOf("failed_when"));
            if (failed) {
                Failure had = result.failure();
                result.fail(Failure.builder(Step.CONDITION, "FAILED_WHEN", "failed_when condition held")
                        .detail(had == null ? null : had.detail()).build());
            } else {
                result.pass();
            }
        }
    }

    /** Conditions see the result under the {@code register} name (as in Ansible) and as {@code result}. */
    static VariableScope withRegistered(VariableScope vars, ModuleTask task, TaskResult result) {
        VariableScope v = vars.with(Layer.TASK_VARS, "result", result.registered());
        return task.register() == null ? v : v.with(Layer.TASK_VARS, task.register(), result.registered());
    }
}
