package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.Map;

/**
 * A dynamic inventory plugin, found with {@link java.util.ServiceLoader} (list implementations in
 * {@code META-INF/services/dev.jplay.inventory.InventoryPlugin}) and selected by a YAML inventory file whose
 * top-level {@code plugin:} key equals {@link #name()}, like Ansible's {@code auto} plugin does.
 */
public interface InventoryPlugin {
    /** The value of {@code plugin:} that selects this plugin, e.g. {@code "jplay.cloud.hosts"}. */
    String name();

    /**
     * A source reading the inventory described by {@code config} (the whole YAML mapping, {@code plugin}
     * included) of {@code configFile}.
     */
    InventorySource open(Path configFile, Map<String, Object> config);
}
