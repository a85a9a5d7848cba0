package dev.jplay.inventory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code group_vars/} and {@code host_vars/} directories beside an inventory source, read like Ansible's
 * {@code host_group_vars} plugin: for a name, the first of {@code NAME} (a directory: all its {@code .yml},
 * {@code .yaml}, {@code .json} and extension-less files, recursively, sorted), {@code NAME.yml},
 * {@code NAME.yaml}, {@code NAME.json}; hidden and {@code ~} backup files skipped.
 */
final class VarsDirectory {
    private static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");

    /** Variables of one base directory: group name → vars, host name → vars. */
    record Layer(Path baseDir, Map<String, Map<String, Object>> groupVars, Map<String, Map<String, Object>> hostVars) {
        Map<String, Object> group(String name) {
            return groupVars.getOrDefault(name, Map.of());
        }

        Map<String, Object> host(String name) {
            return hostVars.getOrDefault(name, Map.of());
        }
    }

    private VarsDirectory() {}

    static Layer load(Path baseDir, Collection<String> groups, Collection<String> hosts) {
        return new Layer(baseDir, loadAll(baseDir.resolve("group_vars"), groups), loadAll(baseDir.resolve("host_vars"), hosts));
    }

    private static Map<String, Map<String, Object>> loadAll(Path dir, Collection<String> names) {
        if (!Files.isDirectory(dir)) return Map.of();
        Set<String> entries = new HashSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) entries.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new InventoryException(dir + ": cannot list: " + e.getMessage(), e);
        }
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        for (String name : names) {
            if (name.startsWith("/")) continue; // like Ansible: no chroot-style names
            for (String ext : EXTENSIONS) {
                if (!entries.contains(name + ext)) continue;
                Path found = dir.resolve(name + ext);
                List<Path> files = Files.isDirectory(found) ? filesIn(found) : List.of(found);
                Map<String, Object> vars = new LinkedHashMap<>();
                for (Path file : files) vars.putAll(loadFile(file));
                if (!vars.isEmpty()) result.put(name, Values.freezeMap(vars));
                break;
            }
        }
        return result;
    }

    private static List<Path> filesIn(Path dir) {
        List<Path> found = new ArrayList<>();
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw new InventoryException(dir + ": cannot list: " + e.getMessage(), e);
        }
        children.sort(null);
        for (Path p : children) {
            String name = p.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~")) continue;
            String ext = FileSources.extension(name);
            if (Files.isDirectory(p) && ext.isEmpty()) found.addAll(filesIn(p));
            else if (Files.isRegularFile(p) && EXTENSIONS.contains(ext)) found.add(p);
        }
        return found;
    }

    private static Map<String, Object> loadFile(Path file) {
        Object data = SafeYaml.forOrigin(file.toString()).load(SafeYaml.read(file));
        if (data == null) return Map.of();
        if (!(data instanceof Map<?, ?> map)) {
            throw new InventoryException(file + ": variables file must contain a mapping, got " + data.getClass().getSimpleName());
        }
        return Values.stringKeys(map);
    }
}
