package dev.jplay.inventory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A directory of inventory sources, read in name order and recursively, skipping what Ansible skips by
 * default: hidden names, {@code group_vars}, {@code host_vars}, {@code vars_plugins}, and files ending in
 * {@code .pyc .pyo .swp .bak ~ .rpm .md .txt .rst .orig .ini .cfg .retry} (yes, Ansible ignores {@code .ini}
 * files inside an inventory directory).
 */
final class DirectorySource implements InventorySource {
    private static final Pattern IGNORED = Pattern.compile(
            "^\\..*|^host_vars$|^group_vars$|^vars_plugins$|.*(\\.pyc|\\.pyo|\\.swp|\\.bak|~|\\.rpm|\\.md|\\.txt|\\.rst|\\.orig|\\.ini|\\.cfg|\\.retry)$",
            Pattern.DOTALL);

    private final Path dir;

    DirectorySource(Path dir) {
        this.dir = dir;
    }

    @Override
    public String origin() {
        return dir.toString();
    }

    @Override
    public Optional<Path> varsDirectory() {
        return Optional.of(dir);
    }

    @Override
    public void populate(InventoryBuilder inventory) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            throw new InventoryException(dir + ": cannot list inventory directory: " + e.getMessage(), e);
        }
        entries.sort(null);
        for (Path entry : entries) {
            if (IGNORED.matcher(entry.getFileName().toString()).matches()) continue;
            if (Files.isDirectory(entry)) new DirectorySource(entry).populate(inventory);
            else FileSources.forFile(entry).populate(inventory);
        }
    }
}
