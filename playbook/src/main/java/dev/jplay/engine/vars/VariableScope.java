package dev.jplay.engine.vars;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The variables one task sees on one host, as a read-only layered map. This class is the single place where
 * variable precedence is decided; from highest to lowest (the order of {@link Layer}):
 *
 * <ol>
 *   <li>extra vars ({@code -e}),
 *   <li>task vars: enclosing blocks' vars, then the task's own vars, then the loop variable (later added wins),
 *   <li>registered results and set_fact,
 *   <li>role vars ({@code vars/main.yml}): the running role's over those of the play's roles (roles under
 *       {@code roles:} and {@code import_role} show theirs to the whole play, as in Ansible), with the role's magic
 *       {@code role_name}/{@code role_path} on top,
 *   <li>play vars_files (later files win),
 *   <li>play vars (and {@code vars_prompt} answers),
 *   <li>host vars, already merged by the inventory (host > child group > parent group > all),
 *   <li>role defaults ({@code defaults/main.yml}): the running role's over those of the play's roles, and the magic
 *       vars ({@code groups}, {@code hostvars}, ...) below them.
 * </ol>
 *
 * <p>Role params (a {@code roles:} entry's {@code vars:} and other keys, {@code include_role}/{@code import_role}
 * {@code vars:}) and {@code include_tasks}/{@code import_tasks} {@code vars:} are task vars of the outermost enclosing
 * block: above role vars and below the task's own vars. (Ansible ranks role and include params just above task vars;
 * jplay keeps one layer for all vars written on tasks and blocks, where the innermost wins.)
 *
 * <p>Lookups walk the layers; nothing is copied. {@link #with} returns a new scope sharing the layer maps, so a
 * per-host base scope is built once and each task adds its small layers cheaply. Layer maps are read live: the
 * registered layer is the host's own mutable map, so a later register is visible to later tasks. Do not mutate a
 * layer map while another thread reads a scope containing it.
 */
public final class VariableScope extends AbstractMap<String, Object> {
    /** Precedence, highest first. */
    public enum Layer { EXTRA_VARS, TASK_VARS, REGISTERED, ROLE_VARS, PLAY_VARS_FILES, PLAY_VARS, HOST_VARS, ROLE_DEFAULTS }

    private static final VariableScope EMPTY = new VariableScope(new Layer[0], newMaps(0));

    /** Sorted by layer; within a layer the most recently added map comes first. */
    private final Layer[] layers;
    private final Map<String, Object>[] maps;

    private VariableScope(Layer[] layers, Map<String, Object>[] maps) {
        this.layers = layers;
        this.maps = maps;
    }

    public static VariableScope empty() {
        return EMPTY;
    }

    /** A scope with {@code vars} added to {@code layer}, above maps already in that layer. */
    public VariableScope with(Layer layer, Map<String, Object> vars) {
        if (vars == null || vars.isEmpty() && layer != Layer.REGISTERED) return this;
        int at = 0;
        while (at < layers.length && layers[at].ordinal() < layer.ordinal()) at++;
        Layer[] l = new Layer[layers.length + 1];
        Map<String, Object>[] m = newMaps(maps.length + 1);
        System.arraycopy(layers, 0, l, 0, at);
        System.arraycopy(maps, 0, m, 0, at);
        l[at] = layer;
        m[at] = vars;
        System.arraycopy(layers, at, l, at + 1, layers.length - at);
        System.arraycopy(maps, at, m, at + 1, maps.length - at);
        return new VariableScope(l, m);
    }

    /** A scope with one variable added to {@code layer} (e.g. the loop variable to TASK_VARS). */
    public VariableScope with(Layer layer, String name, Object value) {
        Map<String, Object> one = new java.util.HashMap<>(2);
        one.put(name, value);
        return with(layer, one);
    }

    @Override
    public Object get(Object key) {
        for (Map<String, Object> m : maps) {
            Object v = m.get(key);
            if (v != null || m.containsKey(key)) return v;
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        for (Map<String, Object> m : maps) {
            if (m.containsKey(key)) return true;
        }
        return false;
    }

    /**
     * A variable that holds one value for all the hosts of a play (e.g. {@code jplay_ip_pools}: pools are
     * fleet-wide), called on the play's scope (extra vars, vars_files, vars): its value there by this scope's
     * precedence, else the hosts' own value, which every host that defines it must then agree on; null when
     * nothing defines it.
     *
     * @throws HostsDisagree naming the first two hosts with different values
     */
    public Object sharedByHosts(String name, List<String> hosts, Function<String, Map<String, Object>> hostVars) {
        if (containsKey(name)) return get(name);
        Object found = null;
        String foundOn = null;
        for (String host : hosts) {
            Object v = hostVars.apply(host).get(name);
            if (v == null) continue;
            if (found == null) {
                found = v;
                foundOn = host;
            } else if (!Objects.equals(found, v)) {
                throw new HostsDisagree(name, foundOn, host);
            }
        }
        return found;
    }

    /** Two hosts hold different values of a variable that must be the same on all (see {@link #sharedByHosts}). */
    public static final class HostsDisagree extends IllegalArgumentException {
        private final String first;
        private final String second;

        HostsDisagree(String variable, String first, String second) {
            super(variable + " differs between hosts " + first + " and " + second);
            this.first = first;
            this.second = second;
        }

        public String first() {
            return first;
        }

        public String second() {
            return second;
        }
    }

    /** The layer a variable comes from, or null when undefined (for "where does this value come from?"). */
    public Layer layerOf(String name) {
        for (int i = 0; i < maps.length; i++) {
            if (maps[i].containsKey(name)) return layers[i];
        }
        return null;
    }

    /** The merged view; builds a copy, meant for debugging and dumps rather than per-task lookups. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (int i = maps.length - 1; i >= 0; i--) merged.putAll(maps[i]);
        return merged.entrySet();
    }

    @Override
    public String toString() {
        return "VariableScope" + Arrays.toString(layers);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] newMaps(int n) {
        return (Map<String, Object>[]) new Map[n];
    }
}
