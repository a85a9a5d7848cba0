package dev.jplay.modules.container;

import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageConfig;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.ManifestDocument;
import dev.jplay.runtime.image.ManifestFormatException;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.ImageStore;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads images that are already in the content store, without any network. Parsed manifests and configs are kept
 * for the agent's lifetime: a blob is named by its digest, so what it parses to never changes (its presence is still
 * checked on every use, a prune may delete it).
 */
final class LocalImages {
    private final ContentStore content;
    private final ImageStore images;
    private final Map<Digest, Optional<ManifestDocument>> manifests = new ConcurrentHashMap<>();
    private final Map<Digest, ImageConfig> configs = new ConcurrentHashMap<>();

    LocalImages(ContentStore content, ImageStore images) {
        this.content = content;
        this.images = images;
    }

    /** One platform's image, all of whose blobs are present. */
    record LocalImage(Digest resolvedDigest, Digest manifestDigest, Digest configDigest, ImageConfig config,
            List<Descriptor> layers) {
        List<Digest> diffIds() {
            return config.diffIds();
        }
    }

    /** The image {@code ref} resolved to when last pulled (or its pinned digest), if every blob is still here. */
    Optional<LocalImage> find(ImageReference ref, Platform platform) throws IOException {
        Digest top = ref.digest();
        if (top == null) top = images.get(ref.toString()).map(ImageStore.ImageRecord::digest).orElse(null);
        if (top == null || !content.has(top)) return Optional.empty();
        ManifestDocument doc = parse(top);
        if (doc == null) return Optional.empty();
        if (doc.isIndex()) {
            Optional<Descriptor> entry = doc.index().select(platform);
            if (entry.isEmpty() || !content.has(entry.get().digest())) return Optional.empty();
            doc = parse(entry.get().digest());
            if (doc == null || doc.isIndex()) return Optional.empty();
        }
        return load(top, doc);
    }

    /** The image whose platform manifest is {@code manifestDigest}, if complete. */
    Optional<LocalImage> byManifest(Digest manifestDigest) throws IOException {
        if (!content.has(manifestDigest)) return Optional.empty();
        ManifestDocument doc = parse(manifestDigest);
        return doc == null || doc.isIndex() ? Optional.empty() : load(manifestDigest, doc);
    }

    private Optional<LocalImage> load(Digest top, ManifestDocument doc) throws IOException {
        Digest configDigest = doc.manifest().config().digest();
        if (!content.has(configDigest)) return Optional.empty();
        for (Descriptor layer : doc.manifest().layers()) {
            if (!content.has(layer.digest())) return Optional.empty();
        }
        ImageConfig config = config(configDigest);
        if (config.diffIds().size() != doc.manifest().layers().size()) return Optional.empty();
        return Optional.of(new LocalImage(top, doc.digest(), configDigest, config, doc.manifest().layers()));
    }

    /** diff_ids of every image reachable from {@code roots} (indexes, manifests) whose config is present. */
    Set<Digest> diffIdsReachableFrom(Set<Digest> roots) throws IOException {
        Set<Digest> diffIds = new HashSet<>();
        Set<Digest> seen = new HashSet<>();
        Deque<Digest> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Digest digest = todo.pop();
            if (!seen.add(digest) || !content.has(digest)) continue;
            ManifestDocument doc = parse(digest);
            if (doc == null) continue;
            if (doc.isIndex()) {
                doc.index().manifests().forEach(d -> todo.add(d.digest()));
            } else if (content.has(doc.manifest().config().digest())) {
                ImageConfig config = config(doc.manifest().config().digest());
                diffIds.addAll(config.diffIds());
            }
        }
        return diffIds;
    }

    /** Manifest or index at {@code digest}; null if the blob is something else. The caller checked it is present. */
    private ManifestDocument parse(Digest digest) throws IOException {
        Optional<ManifestDocument> known = manifests.get(digest);
        if (known == null) {
            known = Optional.ofNullable(parseUncached(digest));
            manifests.put(digest, known);
        }
        return known.orElse(null);
    }

    private ManifestDocument parseUncached(Digest digest) throws IOException {
        if (content.size(digest) > 4 * 1024 * 1024) return null;
        try {
            return ManifestDocument.parse(content.read(digest), null);
        } catch (ManifestFormatException notAManifest) {
            return null;
        }
    }

    private ImageConfig config(Digest digest) throws IOException {
        ImageConfig known = configs.get(digest);
        if (known == null) {
            known = ImageConfig.parse(content.read(digest));
            configs.put(digest, known);
        }
        return known;
    }
}
