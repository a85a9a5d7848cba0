package dev.jplay.runtime.network;

import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** One small JSON file per attached container, written atomically (temp file + rename in the same directory). */
final class AttachmentStore {
    private static final String SUFFIX = ".json";

    private final Path dir;
    /**
     * Records already parsed, by container, with the file version they were parsed from: a record is read for every
     * container on every run (and all of them per attach), while it changes only when written (a new inode: rename).
     */
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    private record FileVersion(Object fileKey, long modifiedMillis, long size) {}

    private record Parsed(FileVersion version, AttachmentRecord record) {}

    AttachmentStore(Path dir) {
        this.dir = dir;
    }

    Path file(String container) { return dir.resolve(container + SUFFIX); }

    Optional<AttachmentRecord> read(String container) {
        Path file = file(container);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
            parsed.remove(container);
            return Optional.empty();
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot read attachment record " + file + ": " + e.getMessage(), e)
                    .detail("path", file.toString());
        }
        FileVersion version = new FileVersion(attributes.fileKey(), attributes.lastModifiedTime().toMillis(), attributes.size());
        Parsed known = parsed.get(container);
        if (known != null && known.version.equals(version)) return Optional.of(known.record);
        try {
            AttachmentRecord record = AttachmentRecord.fromJson(Json.parseObject(file));
            parsed.put(container, new Parsed(version, record));
            return Optional.of(record);
        } catch (IOException | RuntimeException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot read attachment record " + file + ": " + e.getMessage(), e)
                    .detail("path", file.toString());
        }
    }

    List<AttachmentRecord> all() {
        if (!Files.isDirectory(dir)) return List.of();
        List<AttachmentRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(SUFFIX)) read(name.substring(0, name.length() - SUFFIX.length())).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot list " + dir + ": " + e.getMessage(), e)
                    .detail("path", dir.toString());
        }
        return records;
    }

    void write(AttachmentRecord record) {
        Path file = file(record.container());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, Json.writePretty(record.toJson()), AtomicFiles.Option.OWNER_ONLY);
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot write attachment record " + file + ": " + e.getMessage(), e)
                    .detail("path", file.toString());
        }
    }

    void delete(String container) {
        Path file = file(container);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new NetworkException(NetworkException.STATE_FAILED, "cannot delete attachment record " + file + ": " + e.getMessage(), e)
                    .detail("path", file.toString());
        }
    }
}
