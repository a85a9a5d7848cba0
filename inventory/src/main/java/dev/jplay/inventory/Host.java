package dev.jplay.inventory;

import java.util.List;
import java.util.Map;

/**
 * A host of the inventory.
 *
 * @param name the inventory name ({@code inventory_hostname})
 * @param vars variables set on the host itself by inventory sources (not merged with groups: see
 *     {@link Inventory#hostVars(String)})
 * @param groupNames every group the host belongs to, directly or through child groups, sorted, without
 *     {@code all} (Ansible's {@code group_names})
 * @param implicit true for the implicit localhost that patterns like {@code localhost} yield when the
 *     inventory does not define it
 */
public record Host(String name, Map<String, Object> vars, List<String> groupNames, boolean implicit) {
    public Host {
        vars = Values.freezeMap(vars);
        groupNames = List.copyOf(groupNames);
    }

    @Override
    public String toString() {
        return name;
    }
}
