package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.TemplateException;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.yaml.Location;
import dev.jplay.protocol.Step;
import dev.jplay.reports.FailureInfo;
import java.util.List;
import java.util.Map;

/**
 * Where a task runs and as whom: the host, the controller or its {@code delegate_to} ({@link ExecutionTargets}), logged
 * in as {@code remote_user}, become as the task, its play or the command line ask ({@link BecomeResolver}); container
 * modules refused up front when they would run without root.
 */
final class TaskTargets {
    private final ExecutionTargets targets;
    private final Templater templater;
    private volatile BecomeDefaults becomeDefaults = BecomeDefaults.NONE;

    TaskTargets(ExecutionTargets targets, Templater templater) {
        this.targets = targets;
        this.templater = templater;
    }

    /** The command line's become settings (and password). */
    void setBecomeDefaults(BecomeDefaults defaults) {
        this.becomeDefaults = defaults == null ? BecomeDefaults.NONE : defaults;
    }

    /** The host the task reaches (its {@code delegate_to} rendered), before login user and become. */
    ExecutionTargets.Where of(HostRun host, ModuleTask task, VariableScope vars) {
        return targets.of(host, task.connection(), delegate(task, vars));
    }

    /** {@code where} logged in and become as the task says. */
    ExecutionTargets.Where loggedIn(PlayContext play, ModuleTask task, ExecutionTargets.Where where, VariableScope vars) {
        // The login user (remote_user) first: become to that same user needs no second agent, and the root
        // check asks who the agent would run as.
        where = where.as(loginTarget(play, task, where.target(), vars));
        where = where.as(BecomeResolver.apply(where.target(), BecomeResolver.resolve(task.become(), vars, becomeDefaults,
                v -> v instanceof String str && Templater.isTemplate(str) ? templater.render(str, vars, task.location()) : v)));
        return where;
    }

    /**
     * {@code reached} (the host, or where the task is delegated) as this task logs in to it: the login user is its
     * inventory's ({@code ansible_user}), else the task's {@code remote_user} (its own, else its block's, as parsed),
     * else the play's, else left to the CLI's {@code -u} and ~/.ssh/config. Ansible's order, a delegate included:
     * remote_user applies to the delegate connection too unless the delegate's inventory names its user.
     */
    private HostTarget loginTarget(PlayContext play, ModuleTask task, HostTarget reached, Map<String, Object> vars) {
        if (reached.kind() != HostTarget.Kind.SSH || reached.user() != null) return reached;
        String written = task.remoteUser() != null ? task.remoteUser() : play.play().remoteUser();
        if (written == null) return reached;
        Location at = task.remoteUser() != null ? task.locationOf("remote_user") : play.play().locationOf("remote_user");
        return reached.withUser(String.valueOf(templater.render(written, vars, at)));
    }

    /**
     * {@code image} and {@code container} mount, run runc and write /var/lib/jplay: as a login user that is not root
     * and without become they would fail half-way on the host, so they fail here, before anything reaches it.
     */
    static FailureInfo needsRoot(HostRun host, ModuleTask task, ExecutionTargets.Where where) {
        if (!HostPreparation.MODULES.contains(task.module()) || "root".equals(where.target().effectiveUser())) return null;
        // A login user left to -u and ~/.ssh/config is known only once logged in: the agent's own checks fail then.
        if (where.target().effectiveUser() == null) return null;
        String on = where.shownAs() == null ? host.name : where.shownAs();
        return TaskReporter.failure(host, task, Step.BECOME, "BECOME_REQUIRED", on + ": " + task.module() + " needs root, and the agent would run as "
                + where.target().effectiveUser() + ": add become: true (to the task, its block or its play, or --become)",
                Map.of("login_user", String.valueOf(where.target().user()), "module", task.module()));
    }

    /** {@code delegate_to} rendered with the host's vars (a loop's item included), or null. */
    private String delegate(ModuleTask task, VariableScope vars) {
        if (task.delegateTo() == null) return null;
        Object rendered = templater.render(task.delegateTo(), vars, task.locationOf("delegate_to"));
        String name = rendered == null ? "" : String.valueOf(rendered).strip();
        if (name.isEmpty() || rendered instanceof Map || rendered instanceof List) {
            throw new TemplateException(task.locationOf("delegate_to"), "delegate_to must name one host, got "
                    + (name.isEmpty() ? "nothing" : TaskExecutor.describe(rendered)) + " from '" + task.delegateTo() + "'");
        }
        return name;
    }
}
