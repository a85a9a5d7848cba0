package dev.jplay.inventory.plugins;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jplay.inventory.InventoryException;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A time-to-live cache for slow inventory sources: one JSON file per source and configuration, named by the
 * SHA-256 of both, its age taken from the file's modification time. A fresh entry is used without asking the
 * source; an expired one is refreshed, and kept (with a warning) when the source fails. Writes are atomic
 * (temporary file, then rename), so concurrent runs see a whole old or a whole new entry.
 */
public final class SourceCache {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path dir;
    private final Clock clock;

    public SourceCache(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** {@code ~/.cache/jplay/inventory}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "jplay", "inventory");
    }

    /** The cache file of a source: SHA-256 of its origin and its configuration as canonical JSON. */
    public Path fileFor(String origin, Map<String, Object> config) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(origin.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(JSON.writeValueAsBytes(config));
            return dir.resolve(HexFormat.of().formatHex(sha.digest()) + ".json");
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot compute the cache key of " + origin, e);
        }
    }

    /**
     * The source's listing: from {@code file} while younger than {@code ttl}, else from {@code fetch} (then
     * stored). If {@code fetch} fails and an expired entry exists, that entry is returned and {@code warn} told
     * why; without an entry the failure is thrown. A zero {@code ttl} disables the cache.
     */
    public Map<String, Object> get(Path file, Duration ttl, Supplier<Map<String, Object>> fetch, Consumer<String> warn) {
        if (ttl.isZero() || ttl.isNegative()) return fetch.get();
        Instant modified = modified(file);
        Instant now = clock.instant();
        if (modified != null && Duration.between(modified, now).compareTo(ttl) < 0) {
            Map<String, Object> cached = read(file);
            if (cached != null) return cached;
        }
        Map<String, Object> fresh;
        try {
            fresh = fetch.get();
        } catch (InventoryException e) {
            Map<String, Object> stale = modified == null ? null : read(file);
            if (stale == null) throw e;
            warn.accept(e.getMessage() + "; using the cached result from " + modified + " (" + file + ")");
            return stale;
        }
        write(file, fresh, warn);
        return fresh;
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            return null; // a damaged entry is a miss
        }
    }

    private static void write(Path file, Map<String, Object> listing, Consumer<String> warn) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, JSON.writeValueAsBytes(listing), AtomicFiles.Option.OWNER_ONLY);
        } catch (IOException e) {
            // The listing itself is fine: a read-only cache only costs speed.
            warn.accept("cannot write inventory cache " + file + ": " + e);
        }
    }
}
