package dev.jplay.modules.container;

import dev.jplay.io.AtomicFiles;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code healthcheck:} each container was last started with ({@code <state>/health/<name>.json}) and the one of
 * its previous revision ({@code <name>.previous.json}), so a rollback, even one asked for by hand, checks the revision
 * it restores the way that revision was checked.
 */
final class HealthRecords {
    private final Path dir;

    HealthRecords(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().resolve("health");
    }

    void saveCurrent(String name, HealthCheck check) throws ModuleException {
        Path file = current(name);
        try {
            if (check == null) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(dir);
            AtomicFiles.write(file, Json.write(check.raw()));
        } catch (IOException e) {
            throw Failures.store("cannot record the healthcheck of container '" + name + "'", file, e);
        }
    }

    /** The current record becomes the previous one (none if the container had no healthcheck). */
    void keepAsPrevious(String name) throws ModuleException {
        try {
            if (Files.exists(current(name))) {
                Files.copy(current(name), previous(name), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(previous(name));
            }
        } catch (IOException e) {
            throw Failures.store("cannot keep the healthcheck of container '" + name + "'", previous(name), e);
        }
    }

    /** {@code replaced}'s current record becomes {@code name}'s previous one (a start-first replacement). */
    void keepAsPrevious(String name, String replaced) throws ModuleException {
        try {
            if (Files.exists(current(replaced))) {
                Files.createDirectories(dir);
                Files.copy(current(replaced), previous(name), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(previous(name));
            }
        } catch (IOException e) {
            throw Failures.store("cannot keep the healthcheck of container '" + replaced + "'", previous(name), e);
        }
    }

    HealthCheck previousCheck(String name) throws ModuleException {
        Path file = previous(name);
        if (!Files.exists(file)) return null;
        try {
            return HealthCheck.parse(Json.parseObject(file));
        } catch (IOException e) {
            throw Failures.store("cannot read the healthcheck of the previous revision of '" + name + "'", file, e);
        }
    }

    void forget(String name) throws ModuleException {
        try {
            Files.deleteIfExists(current(name));
            Files.deleteIfExists(previous(name));
        } catch (IOException e) {
            throw Failures.store("cannot delete the healthcheck records of '" + name + "'", dir, e);
        }
    }

    private Path current(String name) {
        return dir.resolve(name + ".json");
    }

    private Path previous(String name) {
        return dir.resolve(name + ".previous.json");
    }
}
