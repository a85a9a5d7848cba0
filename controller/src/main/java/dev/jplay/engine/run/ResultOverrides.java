package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import java.util.Map;

/** {@code changed_when} and {@code failed_when}: the task's own verdict over the module's. */
final class ResultOverrides {
    private final Expressions expressions;

    ResultOverrides(Expressions expressions) {
        this.expressions = expressions;
    }

    void applyOverrides(ModuleTask task, VariableScope vars, Map<String, Object> result) {
        if (task.changedWhen() != null) {
            result.put("changed", expressions.test(task.changedWhen(), withRegistered(vars, task, result), task.locationOf("changed_when")));
        }
        if (task.failedWhen() != null) {
            boolean failed = expressions.test(task.failedWhen(), withRegistered(vars, task, result), task.locationOf("failed_when"));
            result.put("failed", failed);
            if (failed) {
                result.putIfAbsent("msg", "failed_when condition held");
                result.put("_step", "condition");
                result.put("_code", "FAILED_WHEN");
            } else {
                result.remove("_step");
                result.remove("_code");
            }
        }
    }

    /** Conditions see the result under the {@code register} name (as in Ansible) and as {@code result}. */
    static VariableScope withRegistered(VariableScope vars, ModuleTask task, Map<String, Object> result) {
        VariableScope v = vars.with(Layer.TASK_VARS, "result", result);
        return task.register() == null ? v : v.with(Layer.TASK_VARS, task.register(), result);
    }
}
