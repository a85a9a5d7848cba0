package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import java.util.List;
import java.util.Map;

/**
 * Ansible's lookup plugins, {@code lookup('env', 'HOME')} and {@code query('file', 'a')}: they run where the
 * expression is evaluated (the controller). The playbook side provides them ({@code ControllerLookups}); the
 * inventory has none.
 */
public interface Lookups {
    /** No lookups: every call is an error naming the lookup. */
    Lookups NONE = (name, terms, options, vars, where) -> {
        throw new IllegalArgumentException("lookup '" + name + "' is not available here");
    };

    /**
     * The values lookup {@code name} gives for {@code terms}, one per term (a lookup may give more, as
     * Ansible's do).
     *
     * @throws IllegalArgumentException naming the lookup and what failed; the caller adds the location
     */
    List<Object> run(String name, List<Object> terms, Map<String, Object> options, Map<String, Object> vars,
                     Location where);
}
