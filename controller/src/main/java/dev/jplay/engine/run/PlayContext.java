package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Play;
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

    /** The variables of one task on one host; precedence is decided by {@link VariableScope}. */
    VariableScope varsFor(HostRun host, Map<String, Object> blockVars, Map<String, Object> taskVars) {
        return host.baseScope(this)
                .with(Layer.TASK_VARS, blockVars)
                .with(Layer.TASK_VARS, taskVars);
    }

    /** The part of a host's scope that is the same for every task of this play. */
    VariableScope baseScopeFor(HostRun host) {
        Map<String, Object> hostMagic = new HashMap<>(4);
        hostMagic.put("inventory_hostname", host.name);
        hostMagic.put("group_names", host.groupNames);
        return VariableScope.empty()
                .with(Layer.ROLE_DEFAULTS, magic)
                .with(Layer.HOST_VARS, host.inventoryVars)
                .with(Layer.HOST_VARS, hostMagic)
                .with(Layer.PLAY_VARS, playVars)
                .with(Layer.PLAY_VARS, replicas == null ? Map.of() : replicas.layerOf(host.name))
                .with(Layer.REGISTERED, host.facts)
                .with(Layer.EXTRA_VARS, extraVars);
    }
}
