package dev.jplay.runtime.snapshot;

import dev.jplay.runtime.fs.TempTrees;
import dev.jplay.runtime.image.Digest;
import dev.jplay.protocol.Json;
import dev.jplay.runtime.unpack.LayerUnpacker;
import dev.jplay.runtime.unpack.UnpackLimits;
import dev.jplay.runtime.unpack.UnpackResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * Unpacked layers keyed by diff_id: {@code <root>/layers/sha256/<hex>/fs} (overlay lower form) and
 * {@code unpack.json} beside it. A layer is unpacked into {@code <root>/tmp} and renamed into place only once its
 * diff_id is verified, so a present layer is always complete. Concurrent requests for the same layer share one
 * unpack; different layers unpack in parallel (the caller chooses how many threads). Agents on one host may share
 * the store: each temp tree is owned through a lock ({@link TempTrees}), and a layer another agent installed first
 * counts as installed.
 */
public final class LayerStore {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String UNPACK_RECORD = "unpack.json";

    /** Opens a layer blob; called only when the layer must actually be unpacked. */
    @FunctionalInterface
    public interface BlobOpener {
        InputStream open() throws IOException;
    }

    private final Path root;
    private final LayerUnpacker unpacker;
    private final TempTrees temps;
    private final ConcurrentMap<Digest, CompletableFuture<Path>> inflight = new ConcurrentHashMap<>();

    public LayerStore(Path root) {
        this(root, new LayerUnpacker());
    }

    public LayerStore(Path root, LayerUnpacker unpacker) {
        this.root = root.toAbsolutePath().normalize();
        this.unpacker = unpacker;
        this.temps = new TempTrees(this.root.resolve("tmp"));
    }

    public Path root() {
        return root;
    }

    public boolean has(Digest diffId) {
        return Files.isDirectory(fs(diffId));
    }

    /** The layer's {@code fs} directory (whether present or not). */
    public Path fs(Digest diffId) {
        return layerDir(diffId).resolve("fs");
    }

    /** The unpack record of a present layer. */
    public UnpackResult result(Digest diffId) throws IOException {
        Path file = layerDir(diffId).resolve(UNPACK_RECORD);
        try {
            return UnpackResult.fromJson(Json.parseObject(file));
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read unpack record " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the layer's {@code fs} directory, unpacking {@code blob} first if the layer is absent.
     *
     * @throws IOException if the blob's diff_id is not {@code diffId}, or unpacking fails; nothing is kept then
     */
    public Path ensure(Digest diffId, String mediaType, BlobOpener blob, UnpackLimits limits) throws IOException {
        Path fs = fs(diffId);
        if (Files.isDirectory(fs)) {
            return fs;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inflight.putIfAbsent(diffId, mine);
        if (running != null) {
            return await(running, diffId);
        }
        try {
            Path result = Files.isDirectory(fs) ? fs : unpack(diffId, mediaType, blob, limits);
            mine.complete(result);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(diffId, mine);
        }
    }

    private Path unpack(Digest diffId, String mediaType, BlobOpener blob, UnpackLimits limits) throws IOException {
        try (TempTrees.Reservation staging = temps.reserve(diffId.hex().substring(0, 12) + "-")) {
            Files.createDirectory(staging.path());
            UnpackResult result;
            try (InputStream in = blob.open()) {
                result = unpacker.unpack(in, mediaType, staging.path().resolve("fs"), limits);
            }
            if (!result.diffId().equals(diffId.toString())) {
                throw new LayerDigestMismatchException(diffId.toString(), result.diffId());
            }
            Files.write(staging.path().resolve(UNPACK_RECORD), Json.write(result.toJson()));
            install(staging.path(), diffId);
            return fs(diffId);
        }
    }

    /**
     * Renames a verified layer into place. Another agent on this host may have installed the same layer first (two
     * runs pulling one image): rename(2) then refuses with ENOTEMPTY (EEXIST on some file systems), and a complete
     * layer already there is as good as ours, which the caller's reservation then deletes.
     */
    private void install(Path staging, Digest diffId) throws IOException {
        Path target = layerDir(diffId);
        Files.createDirectories(target.getParent());
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + staging + " to " + target + " atomically", e);
        } catch (FileSystemException raced) {
            if (!isComplete(target)) throw raced;
        }
    }

    /** A layer directory is complete when it has both parts: only a rename of a finished unpack creates one. */
    private static boolean isComplete(Path layerDir) {
        return Files.isDirectory(layerDir.resolve("fs"), LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(layerDir.resolve(UNPACK_RECORD), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Deletes the temp trees of unpacks and deletions that no live agent owns (one killed or timed out mid-unpack);
     * returns the bytes reclaimed. Trees of unpacks still running, here or in another agent, stay.
     */
    public long sweepTemp() throws IOException {
        return temps.sweep();
    }

    /** The diff_ids of all present layers. */
    public java.util.Set<Digest> list() throws IOException {
        java.util.Set<Digest> ids = new java.util.TreeSet<>();
        Path dir = root.resolve("layers").resolve("sha256");
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String hex = entry.getFileName().toString();
                if (HEX.matcher(hex).matches()) {
                    ids.add(new Digest(hex));
                }
            }
        }
        return ids;
    }

    /**
     * Deletes a layer; true if it was there. The caller must know no rootfs uses it (an overlay mount would keep
     * working on the deleted inodes, but a re-mount would fail).
     */
    public boolean delete(Digest diffId) throws IOException {
        Path dir = layerDir(diffId);
        if (!Files.exists(dir)) {
            return false;
        }
        // rename first, so a half-deleted layer is never mistaken for a present one
        try (TempTrees.Reservation doomed = temps.reserve("delete-" + diffId.hex().substring(0, 12) + "-")) {
            try {
                Files.move(dir, doomed.path(), StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException raced) {
                return false; // another agent deleted it first
            }
        } // closing the reservation deletes the tree
        return true;
    }

    private static Path await(CompletableFuture<Path> running, Digest diffId) throws IOException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for layer " + diffId, e);
        } catch (ExecutionException e) {
            throw new IOException("unpacking layer " + diffId + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private Path layerDir(Digest diffId) {
        return root.resolve("layers").resolve("sha256").resolve(diffId.hex());
    }
}
