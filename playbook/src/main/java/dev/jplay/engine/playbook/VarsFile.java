package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;

/**
 * A {@code vars_files} entry: as written, and resolved against the playbook's directory. An entry containing
 * {@code {{ }}} must be rendered by the caller and resolved with {@link #resolveRendered(String)}.
 */
public record VarsFile(String written, Path path, Location location) {
    public boolean isTemplated() {
        return written.contains("{{");
    }

    /** The rendered name, against the playbook's directory like any entry ({@code vars/{{ env }}.yml} → vars/prod.yml). */
    public Path resolveRendered(String rendered) {
        return location.file().toAbsolutePath().getParent().resolve(rendered).normalize();
    }
}
