/**
 * jplay's inventory, compatible with Ansible's (checked against {@code ansible-inventory} 2.14).
 *
 * <p>{@link dev.jplay.inventory.Inventory#load(java.util.List)} reads {@code -i}-style sources through
 * {@link dev.jplay.inventory.FileSources}, each an {@link dev.jplay.inventory.InventorySource} feeding an
 * {@link dev.jplay.inventory.InventoryBuilder}: INI and YAML files, directories, executable scripts, inline
 * lists, and {@link dev.jplay.inventory.InventoryPlugin}s selected by {@code plugin: NAME}. The result is
 * immutable; {@link dev.jplay.inventory.Inventory#hostVars(String)} merges variables with Ansible's
 * precedence, {@link dev.jplay.inventory.HostPattern} selects hosts, {@link dev.jplay.inventory.ConnectionVars}
 * says how to reach them, and {@link dev.jplay.inventory.InventoryJson} prints what {@code ansible-inventory}
 * prints.
 *
 * <p>Built-in plugins ({@link dev.jplay.inventory.plugins}): {@code jplay.range} (fleets as host ranges and CIDR
 * blocks), {@code jplay.http} (Ansible {@code --list} JSON over HTTP), {@code jplay.script} (an inventory script
 * with a cache) and {@code jplay.constructed} (groups and variables computed from the other sources' hosts,
 * like Ansible's {@code constructed}; it runs after all other sources through
 * {@link dev.jplay.inventory.InventoryBuilder#afterSources}). Slow sources take {@code cache_ttl}: their
 * listing is kept in {@code ~/.cache/jplay/inventory/SHA256.json} and, if the source later fails, reused with a
 * warning.
 *
 * <p>Known differences from Ansible: host order for patterns covering groups nested two or more levels under
 * several parents (Ansible iterates a Python set there, so its order depends on memory addresses; jplay uses
 * definition order); vault-encrypted files, TOML inventories and Ansible's Python inventory plugins are not
 * supported; inverted ranges such as {@code [5:1]} are errors instead of zero hosts; CIDR blocks in host names
 * are a jplay extension; YAML duplicate keys are errors instead of warnings; YAML timestamps stay strings.
 */
package dev.jplay.inventory;
