package dev.jplay.engine.run;

import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code hostvars[name]}: computed on access, so 10,000 hosts cost nothing until used. A host's inventory vars, with
 * what the run gave it on top (facts, set_fact, registered results), as in Ansible.
 */
final class HostVarsView extends AbstractMap<String, Object> {
    private final Inventory inventory;
    private final java.util.function.Function<String, java.util.Map<String, Object>> runVars;

    HostVarsView(Inventory inventory) {
        this(inventory, name -> java.util.Map.of());
    }

    /** {@code runVars}: a host's facts and registered results so far in the run (empty when none). */
    HostVarsView(Inventory inventory, java.util.function.Function<String, java.util.Map<String, Object>> runVars) {
        this.inventory = inventory;
        this.runVars = runVars;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String s) || inventory.host(s).isEmpty()) return null;
        java.util.Map<String, Object> facts = runVars.apply(s);
        if (facts.isEmpty()) return inventory.hostVars(s);
        java.util.Map<String, Object> all = new java.util.LinkedHashMap<>(inventory.hostVars(s));
        all.putAll(facts);
        return all;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && inventory.host(s).isPresent();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<Entry<String, Object>> s = new LinkedHashSet<>();
        for (Host h : inventory.hosts()) s.add(new SimpleImmutableEntry<>(h.name(), get(h.name())));
        return s;
    }
}
