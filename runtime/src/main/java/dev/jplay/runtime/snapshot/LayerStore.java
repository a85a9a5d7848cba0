package dev.jplay.runtime.snapshot;

import dev.jplay.runtime.fs.FileTrees;
import dev.jplay.runtime.json.Json;
import dev.jplay.runtime.unpack.LayerUnpacker;
import dev.jplay.runtime.unpack.UnpackLimits;
import dev.jplay.runtime.unpack.UnpackResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
 * unpack; different layers unpack in parallel (the caller chooses how many threads).
 */
public final class LayerStore {
    private static final Pattern DIFF_ID = Pattern.compile("sha256:[0-9a-f]{64}");

    /** Opens a layer blob; called only when the layer must actually be unpacked. */
    @FunctionalInterface
    public interface BlobOpener {
        InputStream open() throws IOException;
    }

    private final Path root;
    private final LayerUnpacker unpacker;
    private final ConcurrentMap<String, CompletableFuture<Path>> inflight = new ConcurrentHashMap<>();

    public LayerStore(Path root) {
        this(root, new LayerUnpacker());
    }

    public LayerStore(Path root, LayerUnpacker unpacker) {
        this.root = root.toAbsolutePath().normalize();
        this.unpacker = unpacker;
    }

    public Path root() {
        return root;
    }

    public boolean has(String diffId) {
        return Files.isDirectory(fs(diffId));
    }

    /** The layer's {@code fs} directory (whether present or not). */
    public Path fs(String diffId) {
        return layerDir(diffId).resolve("fs");
    }

    /** The unpack record of a present layer. */
    public UnpackResult result(String diffId) throws IOException {
        Path file = layerDir(diffId).resolve("unpack.json");
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
    public Path ensure(String diffId, String mediaType, BlobOpener blob, UnpackLimits limits) throws IOException {
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

    private Path unpack(String diffId, String mediaType, BlobOpener blob, UnpackLimits limits) throws IOException {
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path staging = Files.createTempDirectory(tmp, hex(diffId).substring(0, 12) + "-");
        try {
            UnpackResult result;
            try (InputStream in = blob.open()) {
                result = unpacker.unpack(in, mediaType, staging.resolve("fs"), limits);
            }
            if (!result.diffId().equals(diffId)) {
                throw new LayerDigestMismatchException(diffId, result.diffId());
            }
            Files.write(staging.resolve("unpack.json"), Json.write(result.toJson()));
            Path target = layerDir(diffId);
            Files.createDirectories(target.getParent());
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process finished the same layer first; its copy is as good as ours
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + staging + " to " + target + " atomically", e);
            }
            return fs(diffId);
        } finally {
            if (Files.exists(staging)) {
                FileTrees.deleteTreeIfExists(staging);
            }
        }
    }

    /** The diff_ids of all present layers. */
    public java.util.Set<String> list() throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        Path dir = root.resolve("layers").resolve("sha256");
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String id = "sha256:" + entry.getFileName();
                if (DIFF_ID.matcher(id).matches()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /**
     * Deletes a layer; true if it was there. The caller must know no rootfs uses it (an overlay mount would keep
     * working on the deleted inodes, but a re-mount would fail).
     */
    public boolean delete(String diffId) throws IOException {
        Path dir = layerDir(diffId);
        if (!Files.exists(dir)) {
            return false;
        }
        // rename first, so a half-deleted layer is never mistaken for a present one
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path doomed = tmp.resolve("delete-" + hex(diffId).substring(0, 12) + "-" + System.nanoTime());
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.deleteTreeIfExists(doomed);
        return true;
    }

    private static Path await(CompletableFuture<Path> running, String diffId) throws IOException {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for layer " + diffId, e);
        } catch (ExecutionException e) {
            throw new IOException("unpacking layer " + diffId + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private Path layerDir(String diffId) {
        return root.resolve("layers").resolve("sha256").resolve(hex(diffId));
    }

    private static String hex(String diffId) {
        if (diffId == null || !DIFF_ID.matcher(diffId).matches()) {
            throw new IllegalArgumentException("not a sha256 diff_id: " + diffId);
        }
        return diffId.substring("sha256:".length());
    }
}
