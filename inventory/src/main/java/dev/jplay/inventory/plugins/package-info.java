/**
 * jplay's built-in {@link dev.jplay.inventory.InventoryPlugin}s, selected by {@code plugin: NAME} in a YAML
 * inventory file and registered in {@code META-INF/services/dev.jplay.inventory.InventoryPlugin}:
 * <ul>
 *   <li>{@link dev.jplay.inventory.plugins.RangePlugin} {@code jplay.range}: groups of host ranges and CIDR blocks;
 *   <li>{@link dev.jplay.inventory.plugins.HttpPlugin} {@code jplay.http}: Ansible {@code --list} JSON from a URL;
 *   <li>{@link dev.jplay.inventory.plugins.ScriptPlugin} {@code jplay.script}: an inventory script, cached;
 *   <li>{@link dev.jplay.inventory.plugins.ConstructedPlugin} {@code jplay.constructed}: {@code compose},
 *       {@code groups} and {@code keyed_groups} over the hosts of all other sources, written in the condition
 *       language of playbooks ({@link dev.jplay.engine.template.Expressions}; no code execution).
 * </ul>
 * Every configuration key is checked: unknown keys are errors naming the file. {@code cache_ttl} (HTTP, script)
 * uses {@link dev.jplay.inventory.plugins.SourceCache}: a fresh entry answers without asking the source; an
 * expired one is refreshed, or, when the source fails, reused with a warning; without an entry the failure is an
 * {@link dev.jplay.inventory.InventoryException} naming the file and the URL or script.
 *
 * <p>Differences from Ansible's {@code constructed}: Jinja is replaced by the playbooks' condition language
 * (no filters, no method calls); it always sees every other source, whatever its position.
 */
package dev.jplay.inventory.plugins;
