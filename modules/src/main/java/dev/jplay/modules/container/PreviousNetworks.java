package dev.jplay.modules.container;

import dev.jplay.io.AtomicFiles;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Json;
import dev.jplay.runtime.network.NetworkAttachment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The network a container's previous revision had when that revision was another container, replaced start-first
 * ({@code <state>/rollback/<name>.network.json}): its address and bridge, so that a rollback starts it again under its
 * own name and address beside the container that replaced it. A revision kept by an in-place recreate needs none (the
 * container keeps its attachment).
 */
final class PreviousNetworks {
    private final Path dir;

    PreviousNetworks(Path stateDir) {
        this.dir = stateDir.toAbsolutePath().resolve("rollback");
    }

    /** {@code attachment} (null: the replaced container had none) is what {@code name}'s previous revision had. */
    void keep(String name, NetworkAttachment attachment) throws ModuleException {
        Path file = file(name);
        try {
            if (attachment == null) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(dir);
            AtomicFiles.write(file, Json.write(attachment.toJson()));
        } catch (IOException e) {
            throw Failures.store("cannot keep the network of the revision container '" + name + "' replaced", file, e);
        }
    }

    Optional<NetworkAttachment> of(String name) throws ModuleException {
        Path file = file(name);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(NetworkAttachment.fromJson(Json.parseObject(file)));
        } catch (IOException | RuntimeException e) {
            throw Failures.store("cannot read the network of the previous revision of '" + name + "'", file, e instanceof IOException io ? io
                    : new IOException(e.getMessage(), e));
        }
    }

    void forget(String name) throws ModuleException {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw Failures.store("cannot delete the previous network record of '" + name + "'", file(name), e);
        }
    }

    private Path file(String name) {
        return dir.resolve(name + ".network.json");
    }
}
