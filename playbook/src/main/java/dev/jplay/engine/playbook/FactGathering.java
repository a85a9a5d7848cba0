package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's implicit "Gathering Facts" task: the play's first task runs the {@code setup} module on every host of
 * the play (with the play's {@code gather_subset}, and {@code gather_timeout} as the task's timeout), tagged
 * {@code always}, as the play's connection, login user and become. Its facts are the host's {@code ansible_facts}
 * and {@code ansible_*} variables.
 *
 * <p>As in Ansible, every play gathers unless it says {@code gather_facts: false}: the task shows in the output and
 * counts one ok per host in the recap. Ansible's {@code gathering} setting is read from the environment
 * ({@code JPLAY_GATHERING}, else {@code ANSIBLE_GATHERING}): {@code explicit} gathers only in plays that say
 * {@code gather_facts: true}; {@code implicit} (the default) and {@code smart} gather in every play ({@code smart}
 * skips hosts gathered before, which jplay does within a run in any case). It stays cheap: one agent request per
 * host on the session the play opens anyway, answered from /proc, /sys and /etc without starting a process, and a
 * later play of the run that asks for no more reuses the facts instead of asking again.
 */
public final class FactGathering {
    public static final String NAME = "Gathering Facts";

    private FactGathering() {}

    /**
     * False when the environment sets Ansible's gathering to {@code explicit}; an unknown value is an error naming
     * it, located at the play that needed it.
     */
    static boolean byDefault(java.util.function.Function<String, String> env, Location play) {
        for (String var : List.of("JPLAY_GATHERING", "ANSIBLE_GATHERING")) {
            String value = env.apply(var);
            if (value == null || value.isBlank()) continue;
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "implicit", "smart" -> true;
                case "explicit" -> false;
                default -> throw new dev.jplay.engine.yaml.PlaybookException(play, "the play does not say gather_facts, and "
                        + var + "='" + value + "' is not a gathering setting (implicit, explicit or smart)");
            };
        }
        return true;
    }

    /** True for the task {@link #prepend} adds. */
    public static boolean isGathering(Task task) {
        return task instanceof ModuleTask m && NAME.equals(m.name()) && "setup".equals(m.module())
                && m.tags().equals(List.of("always"));
    }

    /**
     * {@code tasks} with the gathering task in front when the play gathers: its {@code gather_facts}, else the
     * environment's gathering setting ({@link #byDefault}).
     */
    static List<Task> prepend(YamlMapping play, TaskParser.Inherited inherited, List<Task> tasks,
                              java.util.function.Function<String, String> env) {
        boolean gathers = play.has("gather_facts") ? Fields.bool("gather_facts", play.get("gather_facts"), true)
                : byDefault(env, play.location());
        if (!gathers) return tasks;
        Map<String, Object> args = new LinkedHashMap<>();
        YamlNode subset = play.get("gather_subset");
        if (subset != null) {
            args.put("gather_subset", Fields.names("gather_subset", subset, true));
        }
        Integer timeout = null;
        if (play.get("gather_timeout") instanceof YamlScalar s && s.value() instanceof Integer seconds) timeout = seconds;
        else if (play.has("gather_timeout")) throw Fields.wrongType("gather_timeout", play.get("gather_timeout"), "seconds");
        Location at = play.has("gather_facts") ? play.keyLocation("gather_facts") : play.location();
        Map<String, Location> keyLocations = inherited.remoteUserAt() == null ? Map.of()
                : Map.of("remote_user", inherited.remoteUserAt());
        ModuleTask gather = new ModuleTask(NAME, "setup", args, List.of(), null, null, List.of(), false, null, null,
                List.of("always"), timeout, Map.of(), null, inherited.remoteUser(), Map.of(), null, inherited.noLog(),
                inherited.connection(), false, inherited.become(), List.of(), at, keyLocations);
        List<Task> out = new ArrayList<>(tasks.size() + 1);
        out.add(gather);
        out.addAll(tasks);
        return out;
    }
}
