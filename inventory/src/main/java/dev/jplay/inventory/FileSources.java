package dev.jplay.inventory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Chooses how to read an inventory source, in the order Ansible tries its default plugins ({@code host_list},
 * {@code script}, {@code auto}/{@code yaml}, {@code ini}): an inline list has a comma and is no existing path;
 * an executable file is a script; {@code .yml/.yaml/.json} is YAML (or a plugin configuration); a file
 * without extension is YAML if it reads as a YAML mapping, else INI; anything else is INI.
 */
public final class FileSources {
    private static final List<String> YAML_EXTENSIONS = List.of(".yml", ".yaml", ".json");

    private FileSources() {}

    /** The source for one {@code -i} argument. */
    public static InventorySource open(String source) {
        if (source.contains(",") && !Files.exists(Path.of(source))) return new HostListSource(source);
        Path path = Path.of(expandHome(source));
        if (!Files.exists(path)) throw new InventoryException(source + ": inventory source not found");
        if (Files.isDirectory(path)) return new DirectorySource(path);
        return forFile(path);
    }

    static InventorySource forFile(Path file) {
        if (Files.isExecutable(file) && Files.isRegularFile(file)) return new ScriptInventorySource(file);
        String ext = extension(file.getFileName().toString());
        if (YAML_EXTENSIONS.contains(ext)) return new YamlInventorySource(file);
        if (ext.isEmpty()) return new AutoDetected(file);
        return new IniInventorySource(file);
    }

    /** Python's {@code os.path.splitext(name)[1]}: a leading dot does not start an extension. */
    static String extension(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '.') start++;
        int dot = name.lastIndexOf('.');
        return dot > start ? name.substring(dot) : "";
    }

    private static String expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) return System.getProperty("user.home") + path.substring(1);
        return path;
    }

    /** A file without extension: YAML when it is a YAML mapping, INI otherwise (as Ansible's plugin chain). */
    private static final class AutoDetected implements InventorySource {
        private final Path file;

        AutoDetected(Path file) {
            this.file = file;
        }

        @Override
        public String origin() {
            return file.toString();
        }

        @Override
        public void populate(InventoryBuilder inventory) {
            String text = SafeYaml.read(file);
            Node root = null;
            try {
                root = SafeYaml.forOrigin(file.toString()).compose(text);
            } catch (InventoryException notYaml) {
                // fall through to INI
            }
            if (root instanceof MappingNode) {
                new YamlInventorySource(file).populate(inventory, text);
            } else {
                new IniInventorySource(file).populate(inventory, text);
            }
        }

        @Override
        public java.util.Optional<Path> varsDirectory() {
            return java.util.Optional.ofNullable(file.toAbsolutePath().getParent());
        }
    }
}
