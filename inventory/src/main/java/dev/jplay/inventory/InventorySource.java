package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Something that yields groups, hosts and variables into an {@link InventoryBuilder}: an inventory file, a
 * directory of them, an inventory script, an inline host list, or a plugin (see {@link InventoryPlugin}).
 */
public interface InventorySource {
    /** Where the data comes from, for messages: a path or the inline list itself. */
    String origin();

    /** Adds this source's groups, hosts and variables; throws {@link InventoryException} naming the origin. */
    void populate(InventoryBuilder inventory);

    /**
     * The directory whose {@code group_vars/} and {@code host_vars/} apply to the whole inventory: the source
     * itself for a directory, the containing directory for a file, none for an inline list.
     */
    default Optional<Path> varsDirectory() {
        return Optional.empty();
    }
}
