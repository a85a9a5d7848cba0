package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.RoleContext;
import dev.jplay.engine.playbook.Task;
import java.util.List;
import java.nio.file.Path;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import java.util.HashMap;
import java.util.Map;

/**
 * A play as it runs: its resolved vars (vars_files loaded into the play vars) and the scope a task sees on a
 * host. Magic vars ({@code groups}, {@code hostvars}, {@code playbook_dir}) sit lowest; {@code inventory_hostname}
 * and {@code group_names} with the host vars.
 */
final class PlayContext {
    private final Play play;
    private final Map<String, Object> playVars;
    private final Map<String, Object> extraVars;
    private final Map<String, Object> magic;
    private final Path playbookDir;
    private final ReplicaLayers replicas;
    private final int hostCount;
    /** The defaults and vars of the roles the whole play sees; replaced (not changed) when a public include_role adds to them. */
    private volatile Map<String, Object> roleDefaults;
    private volatile Map<String, Object> roleVars;
    /** Counts the replacements, so that a host's cached base scope ({@link HostRun#baseScope}) knows it is stale. */
    private volatile int exposedRoles;
    /** Handlers of roles brought in by {@code include_role} while the play runs (notifiable like the play's). */
    private final List<Task> includedHandlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The play's {@code service:} as it runs, set once the play's hosts are known; null without one. */
    private volatile ServicePlay service;

    PlayContext(Play play, Map<String, Object> playVars, Map<String, Object> extraVars, Map<String, Object> magic, Path playbookDir,
                ReplicaLayers replicas, int hostCount) {
        this.replicas = replicas;
        this.hostCount = hostCount;
        this.play = play;
        this.playVars = playVars;
        this.extraVars = extraVars;
        this.magic = magic;
        this.playbookDir = playbookDir;
        this.roleDefaults = exposedRoleVars(play.tasks(), true, new java.util.LinkedHashMap<>());
        this.roleVars = exposedRoleVars(play.tasks(), false, new java.util.LinkedHashMap<>());
    }

    /** The play's replicas, or null without. */
    ReplicaLayers replicas() {
        return replicas;
    }

    ServicePlay service() {
        return service;
    }

    void setService(ServicePlay service) {
        this.service = service;
    }

    int hostCount() {
        return hostCount;
    }

    String name() {
        return play.displayName();
    }

    Play play() {
        return play;
    }

    Path playbookDir() {
        return playbookDir;
    }

    /** The play's handlers, then those of the roles included while it runs. */
    List<Task> handlers() {
        if (includedHandlers.isEmpty()) return play.handlers();
        List<Task> all = new java.util.ArrayList<>(play.handlers());
        all.addAll(includedHandlers);
        return all;
    }

    void addIncludedHandlers(List<Task> handlers) {
        for (Task h : handlers) if (!includedHandlers.contains(h)) includedHandlers.add(h);
    }

    /**
     * {@code include_role} with {@code public: true} ran: the defaults and vars of its role (and of the role's
     * dependencies) are seen by the tasks after it, on every host of the play, over those of the play's roles, as
     * Ansible adds such a role to the play's roles.
     */
    synchronized void exposeIncludedRole(List<Task> roleBlocks) {
        if (roleBlocks.stream().noneMatch(t -> t instanceof Block b && b.role() != null && b.role().exposed())) return;
        Map<String, Object> defaults = exposedRoleVars(roleBlocks, true, new java.util.LinkedHashMap<>(roleDefaults));
        Map<String, Object> vars = exposedRoleVars(roleBlocks, false, new java.util.LinkedHashMap<>(roleVars));
        roleDefaults = java.util.Collections.unmodifiableMap(defaults);
        roleVars = java.util.Collections.unmodifiableMap(vars);
        exposedRoles++;
    }

    /** Changes each time {@link #exposeIncludedRole} adds to what the play's tasks see. */
    int exposedRoles() {
        return exposedRoles;
    }

    /** The variables of one task on one host inside {@code scope} (precedence is decided by {@link VariableScope}): with its role's defaults and vars when in a role. */
    VariableScope varsFor(HostRun host, TaskScope scope, Map<String, Object> taskVars) {
        VariableScope base = host.baseScope(this);
        RoleContext role = scope.role();
        if (role != null) {
            base = base.with(Layer.ROLE_DEFAULTS, role.defaults())
                    .with(Layer.ROLE_VARS, role.vars())
                    .with(Layer.ROLE_VARS, role.magicVars());
        }
        return base.with(Layer.TASK_VARS, scope.vars()).with(Layer.TASK_VARS, taskVars);
    }

    /**
     * The defaults (or vars) of the roles the whole play sees — those under {@code roles:} and imported with
     * {@code import_role}, in the order they run (a later role's value wins, as in Ansible).
     */
    private static Map<String, Object> exposedRoleVars(List<Task> tasks, boolean defaults, Map<String, Object> into) {
        for (Task t : tasks) {
            if (t instanceof Block b) {
                if (b.role() != null && b.role().exposed()) into.putAll(defaults ? b.role().defaults() : b.role().vars());
                exposedRoleVars(b.block(), defaults, into);
                exposedRoleVars(b.rescue(), defaults, into);
                exposedRoleVars(b.always(), defaults, into);
            }
        }
        return into;
    }

    /** The part of a host's scope that is the same for every task of this play. */
    VariableScope baseScopeFor(HostRun host) {
        Map<String, Object> hostMagic = new HashMap<>(4);
        hostMagic.put("inventory_hostname", host.name);
        hostMagic.put("group_names", host.groupNames);
        return VariableScope.empty()
                .with(Layer.ROLE_DEFAULTS, magic)
                .with(Layer.ROLE_DEFAULTS, roleDefaults)
                .with(Layer.ROLE_VARS, roleVars)
                .with(Layer.HOST_VARS, host.inventoryVars)
                .with(Layer.HOST_VARS, hostMagic)
                .with(Layer.PLAY_VARS, playVars)
                .with(Layer.PLAY_VARS, replicas == null ? Map.of() : replicas.layerOf(host.name))
                .with(Layer.REGISTERED, host.facts)
                .with(Layer.EXTRA_VARS, extraVars);
    }
}
