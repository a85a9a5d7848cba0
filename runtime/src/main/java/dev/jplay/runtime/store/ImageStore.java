package dev.jplay.runtime.store;

import dev.jplay.io.AtomicFiles.Option;
import dev.jplay.io.AtomicFiles;
import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ManifestDocument;
import dev.jplay.runtime.image.ManifestFormatException;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The names of pulled images: reference (e.g. {@code docker.io/library/nginx:1.25}) to the manifest (or index)
 * digest it resolved to, kept in one small JSON file that is replaced atomically. With the content store it
 * answers "which blobs are still needed", which is what {@link #prune} deletes by.
 *
 * <p>Safe for several agents on one host: each change re-reads the file under a lock ({@code images.json.lock})
 * before writing it, so two agents recording different images both keep theirs.
 */
public final class ImageStore {
    /** One recorded image. */
    public record ImageRecord(Digest digest, String mediaType, String recorded) {

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("digest", digest == null ? null : digest.toString());
            m.put("mediaType", mediaType);
            m.put("recorded", recorded);
            return m;
        }

        static ImageRecord fromJson(Map<String, Object> m) {
            String digest = Json.string(m, "digest");
            return new ImageRecord(digest == null ? null : Digest.parse(digest), Json.string(m, "mediaType"),
                    Json.string(m, "recorded"));
        }
    }

    /** What a prune removed. */
    public record PruneResult(Set<Digest> deleted, long bytesFreed) {}

    private record FileVersion(Object fileKey, long modifiedMillis, long size) {}

    private final Path file;
    /** Held while reading, changing and writing the file: agents on one host share it. */
    private final Path lockFile;
    private final ContentStore content;
    private final TreeMap<String, ImageRecord> images = new TreeMap<>();
    private FileVersion loaded;

    public ImageStore(Path file, ContentStore content) throws IOException {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
        this.content = content;
        refresh();
    }

    public synchronized void record(String reference, Digest manifestDigest, String mediaType) throws IOException {
        try (FileClaim lock = FileClaim.acquire(lockFile)) {
            refresh(); // another agent may have recorded an image since we read the file
            images.put(reference, new ImageRecord(manifestDigest, mediaType, Instant.now().toString()));
            save();
        }
    }

    /** Forgets a reference; true if it was recorded. Blobs stay until {@link #prune}. */
    public synchronized boolean remove(String reference) throws IOException {
        try (FileClaim lock = FileClaim.acquire(lockFile)) {
            refresh();
            if (images.remove(reference) == null) return false;
            save();
            return true;
        }
    }

    public synchronized Optional<ImageRecord> get(String reference) throws IOException {
        refresh();
        return Optional.ofNullable(images.get(reference));
    }

    public synchronized Map<String, ImageRecord> all() throws IOException {
        refresh();
        return Collections.unmodifiableMap(new TreeMap<>(images));
    }

    /** Re-reads the file if it changed since we last read it (every save is a rename: a new file). */
    private void refresh() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException none) {
            images.clear();
            loaded = null;
            return;
        }
        FileVersion version = new FileVersion(attributes.fileKey(), attributes.lastModifiedTime().toMillis(), attributes.size());
        if (version.equals(loaded)) return;
        TreeMap<String, ImageRecord> read = new TreeMap<>();
        try {
            Map<String, Object> recorded = Json.object(Json.parseObject(file), "images");
            if (recorded != null) {
                for (String reference : recorded.keySet()) {
                    Map<String, Object> entry = Json.object(recorded, reference);
                    read.put(reference, entry == null ? null : ImageRecord.fromJson(entry));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read image records " + file + ": " + e.getMessage(), e);
        }
        images.clear();
        images.putAll(read);
        loaded = version;
    }

    /**
     * Deletes every blob not reachable from a recorded image or from {@code inUse} (digests of manifests, configs
     * or layers that containers still use). Reachability follows index → manifests → config + layers.
     */
    public synchronized PruneResult prune(Set<Digest> inUse) throws IOException {
        try (FileClaim lock = FileClaim.acquire(lockFile)) {
            refresh();
            return deleteAllBut(reachable(inUse));
        }
    }

    private PruneResult deleteAllBut(Set<Digest> keep) throws IOException {
        Set<Digest> deleted = new java.util.TreeSet<>();
        long freed = 0;
        for (Digest digest : content.list()) {
            if (keep.contains(digest)) continue;
            long size = content.size(digest);
            if (content.delete(digest)) {
                deleted.add(digest);
                freed += size;
            }
        }
        return new PruneResult(deleted, freed);
    }

    private Set<Digest> reachable(Set<Digest> inUse) throws IOException {
        Set<Digest> seen = new HashSet<>();
        Deque<Digest> todo = new ArrayDeque<>(inUse);
        images.values().forEach(r -> todo.add(r.digest()));
        while (!todo.isEmpty()) {
            Digest digest = todo.pop();
            if (!seen.add(digest) || !content.has(digest)) continue;
            for (Descriptor child : children(digest)) todo.add(child.digest());
        }
        return seen;
    }

    /** The blobs a manifest or index points at; none for a blob that is neither (a layer or config). */
    private List<Descriptor> children(Digest digest) throws IOException {
        if (content.size(digest) > 4 * 1024 * 1024) return List.of(); // manifests are small; skip reading layers
        try {
            ManifestDocument doc = ManifestDocument.parse(content.read(digest), null);
            if (doc.isIndex()) return doc.index().manifests();
            List<Descriptor> out = new java.util.ArrayList<>(doc.manifest().layers());
            out.add(doc.manifest().config());
            return out;
        } catch (ManifestFormatException notAManifest) {
            return List.of();
        }
    }

    private void save() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> recorded = new LinkedHashMap<>();
        images.forEach((reference, image) -> recorded.put(reference, image == null ? null : image.toJson()));
        AtomicFiles.write(file, Json.writePretty(Map.of("images", recorded)), Option.SYNC_FILE, Option.SYNC_DIRECTORY);
    }
}
