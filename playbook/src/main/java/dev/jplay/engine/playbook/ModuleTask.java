package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * A task that runs one module. {@code args} are plain values, still containing templates. Nullable: name, loop,
 * register, failedWhen/changedWhen (null = module's own verdict), timeout, delegateTo, remoteUser (the login user
 * for hosts whose inventory names none; a template), connection (null = the inventory's), retry. delegateTo,
 * connection, runOnce, noLog, remoteUser and become are the effective values (inherited from the block and play);
 * {@code local_action} is parsed into delegateTo {@code localhost}.
 */
/**
 * {@code notifies} holds the handler names or listen topics of {@code notify:} ({@code notify} would clash with Object.notify).
 * {@code update} is a container task's own {@code update:} (null: the play's), Swarm's {@code update_config} on a service.
 */
public record ModuleTask(
        String name,
        String module,
        Map<String, Object> args,
        List<Object> when,
        Loop loop,
        String register,
        List<String> notifies,
        boolean ignoreErrors,
        List<Object> failedWhen,
        List<Object> changedWhen,
        List<String> tags,
        Integer timeoutSeconds,
        Map<String, Object> environment,
        String delegateTo,
        String remoteUser,
        Map<String, Object> vars,
        Retry retry,
        boolean noLog,
        String connection,
        boolean runOnce,
        BecomeKeywords become,
        List<String> listen,
        Location location,
        Map<String, Location> keyLocations,
        UpdatePolicy update) implements Task {

    /** A task without {@code update:} (only a container task of a replicas play may have one). */
    public ModuleTask(String name, String module, Map<String, Object> args, List<Object> when, Loop loop, String register,
            List<String> notifies, boolean ignoreErrors, List<Object> failedWhen, List<Object> changedWhen, List<String> tags,
            Integer timeoutSeconds, Map<String, Object> environment, String delegateTo, String remoteUser, Map<String, Object> vars,
            Retry retry, boolean noLog, String connection, boolean runOnce, BecomeKeywords become, List<String> listen,
            Location location, Map<String, Location> keyLocations) {
        this(name, module, args, when, loop, register, notifies, ignoreErrors, failedWhen, changedWhen, tags, timeoutSeconds,
                environment, delegateTo, remoteUser, vars, retry, noLog, connection, runOnce, become, listen, location, keyLocations, null);
    }

    public ModuleTask {
        when = List.copyOf(when);
        notifies = List.copyOf(notifies);
        tags = List.copyOf(tags);
        listen = List.copyOf(listen);
        if (become == null) become = BecomeKeywords.NONE;
        args = Frozen.map(args);
        vars = Frozen.map(vars);
        environment = Frozen.map(environment);
        keyLocations = Map.copyOf(keyLocations);
    }

    /**
     * The title of the task everywhere it is shown (terminal, events, reports): its name; unnamed, the module with
     * its free-form arguments, or for a {@code no_log} task the module alone, as Ansible titles it, since the
     * arguments may hold what no_log hides.
     */
    public String displayName() {
        if (name != null) return name;
        if (noLog) return module;
        Object raw = args.get(PlaybookParser.RAW_PARAMS);
        return raw != null ? module + ": " + raw : module;
    }

    /** This task under another title (a role's task shows as "role : name", as Ansible titles it). */
    public ModuleTask withName(String newName) {
        return new ModuleTask(newName, module, args, when, loop, register, notifies, ignoreErrors, failedWhen, changedWhen,
                tags, timeoutSeconds, environment, delegateTo, remoteUser, vars, retry, noLog, connection, runOnce, become,
                listen, location, keyLocations, update);
    }
}
