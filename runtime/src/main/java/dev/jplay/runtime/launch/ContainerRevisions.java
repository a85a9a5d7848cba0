package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Container revisions, for rollback: what a container was created from ({@code spec.json} in its bundle) and the
 * revision it had before its last recreate, {@code <containers>/.previous/<name>.json} (a copy of that container's
 * {@code spec.json}). Outside the container's own directory, because a recreate deletes that; the leading dot keeps
 * it apart from container names, which cannot start with one. Takes the same per-container lock as
 * {@link ContainerLifecycle}.
 */
public final class ContainerRevisions {
    private final Path containersDir;
    private final Path dir;
    private final ContainerLocks locks;

    public ContainerRevisions(Path stateDir) {
        this.containersDir = stateDir.toAbsolutePath().resolve("containers");
        this.dir = containersDir.resolve(".previous");
        this.locks = new ContainerLocks(containersDir);
    }

    /** What the container named {@code name} was created from; empty when it does not exist. */
    public Optional<ContainerRevision> current(String name) {
        return locks.locked(name, () -> {
            ContainerFiles files = ContainerFiles.of(containersDir, name);
            return files.exists() ? Optional.of(ContainerRevision.of(SpecRecord.read(files.spec()))) : Optional.empty();
        });
    }

    /** Keeps the current revision as the one to roll back to; call before a recreate. False when there is none. */
    public boolean keepAsPrevious(String name) {
        return locks.locked(name, () -> keep(name, ContainerFiles.of(containersDir, name)));
    }

    /**
     * Keeps the current revision of the container {@code replaced} as the one {@code name} rolls back to: a start-first
     * replacement starts {@code name} beside {@code replaced}, which is then removed. False when {@code replaced} does
     * not exist.
     */
    public boolean keepAsPrevious(String name, String replaced) {
        return locks.locked(replaced, () -> keep(name, ContainerFiles.of(containersDir, replaced)));
    }

    /** The revision kept by the last {@link #keepAsPrevious}, if any. */
    public Optional<ContainerRevision> previous(String name) {
        return locks.locked(name, () -> read(name));
    }

    public void forgetPrevious(String name) {
        locks.locked(name, () -> {
            forget(name);
            return null;
        });
    }

    /** Copies the current {@code spec.json} (if any) as the previous revision; true if there was one. */
    private boolean keep(String name, ContainerFiles current) {
        if (!current.exists()) return false;
        try {
            Files.createDirectories(dir);
            ContainerFiles.writeAtomically(file(name), Files.readString(current.spec()));
            return true;
        } catch (IOException e) {
            throw new LaunchException(Step.CREATE, "STATE_UNWRITABLE",
                    "cannot keep the previous revision of '" + name + "' in " + file(name) + ": " + e.getMessage(), e);
        }
    }

    private Optional<ContainerRevision> read(String name) {
        Path file = file(name);
        return Files.isRegularFile(file) ? Optional.of(ContainerRevision.of(SpecRecord.read(file))) : Optional.empty();
    }

    private void forget(String name) {
        try {
            Files.deleteIfExists(file(name));
        } catch (IOException e) {
            throw new LaunchException(Step.DELETE, "DELETE_FAILED", "cannot delete " + file(name) + ": " + e.getMessage(), e);
        }
    }

    /** Image digests the kept revisions need: their images must outlive a prune. */
    public Set<String> previousImageDigests() {
        Set<String> digests = new LinkedHashSet<>();
        if (!Files.isDirectory(dir)) return digests;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                String digest = SpecRecord.read(f).imageDigest();
                if (digest != null) digests.add(digest);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(Step.INSPECT, "STATE_UNREADABLE", "cannot list " + dir + ": " + e.getMessage(), e);
        }
        return digests;
    }

    private Path file(String name) {
        return dir.resolve(name + ".json");
    }
}
