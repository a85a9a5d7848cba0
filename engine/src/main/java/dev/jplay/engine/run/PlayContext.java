package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Play;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A play as it runs: its resolved vars (vars_files loaded), the hosts it targets, and the variable
 * precedence for a task on a host — in one place:
 * extra vars &gt; task vars &gt; block vars &gt; registered results and set_fact &gt; play vars_files &gt;
 * play vars &gt; host vars (inventory: host &gt; child group &gt; parent group &gt; all) &gt; magic vars.
 */
final class PlayContext {
    private final Play play;
    private final Map<String, Object> playVars;
    private final Map<String, Object> extraVars;
    private final Map<String, Object> magic;
    private final Path playbookDir;

    PlayContext(Play play, Map<String, Object> playVars, Map<String, Object> extraVars, Map<String, Object> magic, Path playbookDir) {
        this.play = play;
        this.playVars = playVars;
        this.extraVars = extraVars;
        this.magic = magic;
        this.playbookDir = playbookDir;
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

    Map<String, Object> varsFor(HostRun host, Map<String, Object> blockVars, Map<String, Object> taskVars) {
        Map<String, Object> v = new LinkedHashMap<>(magic);
        v.putAll(host.inventoryVars);
        v.putAll(playVars);
        v.putAll(host.facts);
        v.putAll(blockVars);
        v.putAll(taskVars);
        v.putAll(extraVars);
        v.put("inventory_hostname", host.name);
        Object groupNames = magic.get("_group_names_of");
        if (groupNames instanceof Map<?, ?> byHost) v.put("group_names", byHost.getOrDefault(host.name, List.of()));
        v.remove("_group_names_of");
        return v;
    }
}
