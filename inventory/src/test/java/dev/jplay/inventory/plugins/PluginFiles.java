package dev.jplay.inventory.plugins;

import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes inventory files for the plugin tests and loads them as {@code -i} arguments. */
final class PluginFiles {
    private PluginFiles() {}

    static Path write(Path dir, String relative, String... lines) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Inventory load(Path... sources) {
        return Inventory.load(List.of(sources).stream().map(Path::toString).toList());
    }

    static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }
}
