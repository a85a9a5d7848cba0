package dev.jplay.inventory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes inventory files for tests. */
public final class TestFiles {
    private TestFiles() {}

    public static Path write(Path dir, String relative, String... lines) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Inventory load(Path... sources) {
        return Inventory.load(List.of(sources).stream().map(Path::toString).toList());
    }

    public static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }
}
