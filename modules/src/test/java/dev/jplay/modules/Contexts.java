package dev.jplay.modules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Module contexts for tests. */
public final class Contexts {
    private Contexts() {}

    public static ModuleContext normal() { return of(false, false, null); }

    public static ModuleContext check() { return of(true, false, null); }

    public static ModuleContext diff() { return of(false, true, null); }

    public static ModuleContext of(boolean check, boolean diff, Duration timeout) {
        return new ModuleContext(check, diff, timeout, Map.of(), Path.of("/nonexistent-state"), new ConcurrentHashMap<>());
    }

    public static ModuleContext withEnv(Map<String, String> env) {
        return new ModuleContext(false, false, null, env, Path.of("/nonexistent-state"), new ConcurrentHashMap<>());
    }

    public static ModuleArgs args(String module, Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new ModuleArgs(module, m);
    }
}
