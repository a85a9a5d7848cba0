package dev.jplay.runtime.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The revision each container had before its last recreate, for rollback: {@code <containers>/.previous/<name>.json}
 * (a copy of that container's {@code spec.json}). Outside the container's own directory, because a recreate
 * deletes that; the leading dot keeps it apart from container names, which cannot start with one.
 */
final class PreviousRevisions {
    private final Path dir;

    PreviousRevisions(Path containersDir) {
        this.dir = containersDir.resolve(".previous");
    }

    /** Copies the current {@code spec.json} (if any) as the previous revision; true if there was one. */
    boolean keep(String name, ContainerFiles current) {
        if (!current.exists()) return false;
        try {
            Files.createDirectories(dir);
            ContainerFiles.writeAtomically(file(name), Files.readString(current.spec()));
            return true;
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.CREATE, "STATE_UNWRITABLE",
                    "cannot keep the previous revision of '" + name + "' in " + file(name) + ": " + e.getMessage(), e);
        }
    }

    Optional<ContainerRevision> read(String name) {
        Path file = file(name);
        return Files.isRegularFile(file) ? Optional.of(ContainerRevision.of(SpecRecord.read(file))) : Optional.empty();
    }

    void forget(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Step.DELETE, "DELETE_FAILED", "cannot delete " + file(name) + ": " + e.getMessage(), e);
        }
    }

    /** Image digests the kept revisions need: their images must outlive a prune. */
    Set<String> imageDigests() {
        Set<String> digests = new LinkedHashSet<>();
        if (!Files.isDirectory(dir)) return digests;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String digest = SpecRecord.read(f).imageDigest();
                if (digest != null) digests.add(digest);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(LaunchException.Step.INSPECT, "STATE_UNREADABLE", "cannot list " + dir + ": " + e.getMessage(), e);
        }
        return digests;
    }

    private Path file(String name) {
        return dir.resolve(name + ".json");
    }
}
