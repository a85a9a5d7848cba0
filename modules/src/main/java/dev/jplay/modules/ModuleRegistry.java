package dev.jplay.modules;

import java.util.Map;
import java.util.TreeMap;

/** The modules the agent can run, by name. Explicit rather than ServiceLoader: the agent's start-up is on the hot path. */
public final class ModuleRegistry {
    private final Map<String, TaskModule> modules = new TreeMap<>();

    public static ModuleRegistry standard() {
        ModuleRegistry r = new ModuleRegistry();
        r.add(new PingModule());
        return r;
    }

    public ModuleRegistry add(TaskModule m) {
        modules.put(m.name(), m);
        return this;
    }

    public TaskModule get(String name) {
        return modules.get(name);
    }

    public java.util.Set<String> names() {
        return modules.keySet();
    }
}
