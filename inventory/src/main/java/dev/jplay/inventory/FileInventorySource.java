package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.Optional;

/** A source read from one text file, whose directory holds the {@code group_vars/} and {@code host_vars/}. */
abstract class FileInventorySource implements InventorySource {
    protected final Path file;

    FileInventorySource(Path file) {
        this.file = file;
    }

    @Override
    public String origin() {
        return file.toString();
    }

    @Override
    public Optional<Path> varsDirectory() {
        return Optional.ofNullable(file.toAbsolutePath().getParent());
    }

    @Override
    public void populate(InventoryBuilder inventory) {
        populate(inventory, SafeYaml.read(file));
    }

    abstract void populate(InventoryBuilder inventory, String text);
}
