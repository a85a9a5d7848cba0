package dev.jplay.engine.run;

import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@code hostvars[name]}: computed on access, so 10,000 hosts cost nothing until used. */
final class HostVarsView extends AbstractMap<String, Object> {
    private final Inventory inventory;

    HostVarsView(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public Object get(Object key) {
        return key instanceof String s && inventory.host(s).isPresent() ? inventory.hostVars(s) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && inventory.host(s).isPresent();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<Entry<String, Object>> s = new LinkedHashSet<>();
        for (Host h : inventory.hosts()) s.add(new SimpleImmutableEntry<>(h.name(), inventory.hostVars(h.name())));
        return s;
    }
}
