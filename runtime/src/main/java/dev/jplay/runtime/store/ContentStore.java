package dev.jplay.runtime.store;

import dev.jplay.io.AtomicFiles;
import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.image.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Content-addressed blob store laid out like containerd's: {@code blobs/sha256/<hex>} for verified blobs and
 * {@code ingest/<hex>.partial} for downloads in progress. A blob appears under {@code blobs/} only after its
 * size and digest were checked and its bytes fsync'ed, by an atomic rename; so a present blob is a good blob.
 *
 * <p>Ingests of one digest are serialized, across threads and processes (two agents on one host) by a
 * {@link FileClaim} on {@code ingest/<hex>.lock}: the second of two parallel pulls waits, then finds the blob
 * present.
 */
public final class ContentStore {
    private static final String PARTIAL = ".partial";
    private final Path root;
    private final Path blobs;
    private final Path ingest;

    public ContentStore(Path root) throws IOException {
        this.root = root;
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
    }

    public Path root() {
        return root;
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    public boolean has(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    public long size(Digest digest) throws IOException {
        return Files.size(existing(digest));
    }

    public InputStream open(Digest digest) throws IOException {
        return Files.newInputStream(existing(digest));
    }

    public byte[] read(Digest digest) throws IOException {
        return Files.readAllBytes(existing(digest));
    }

    private Path existing(Digest digest) throws NoSuchFileException {
        Path path = path(digest);
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "blob " + digest + " not in store");
        return path;
    }

    /** Deletes a blob; true if it was there. */
    public boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(path(digest));
    }

    public Set<Digest> list() throws IOException {
        Set<Digest> digests = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs)) {
            for (Path entry : entries) {
                try {
                    digests.add(new Digest(entry.getFileName().toString()));
                } catch (IllegalArgumentException notABlob) {
                    // stray file (editor backup, lost+found): not ours to list
                }
            }
        }
        return digests;
    }

    /** Stores small content whose digest is computed here (manifests, configs); no-op if already present. */
    public Digest put(byte[] content) throws IOException {
        Digest digest = Digest.of(content);
        write(digest, content.length, new ByteArrayInputStream(content));
        return digest;
    }

    /** Streams {@code in} into the store, verifying it against {@code expected} and {@code size} (-1: unknown). */
    public void write(Digest expected, long size, InputStream in) throws IOException {
        try (Ingest ingest = ingest(expected, size)) {
            if (ingest.isComplete()) return;
            if (ingest.offset() > 0) ingest.discard(); // a stream can't be resumed; start over
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) ingest.write(buffer, 0, n);
            ingest.commit();
        }
    }

    /**
     * Opens (or resumes) the ingest of one blob, waiting while another thread or process ingests the same digest.
     * The caller must close it; an uncommitted ingest keeps its partial file for a later resume.
     */
    public Ingest ingest(Digest expected, long expectedSize) throws IOException {
        FileClaim lock = FileClaim.acquire(lockFile(expected));
        try {
            return new Ingest(this, expected, expectedSize, partialFile(expected), lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Deletes partial ingests that can never be resumed and that no live ingest holds: those of blobs that are
     * present by now, and empty ones; returns the bytes reclaimed. A non-empty partial of an absent blob stays:
     * the next pull of it resumes there with a Range request.
     */
    public long sweepIngests() throws IOException {
        List<Path> partials = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(ingest, "*" + PARTIAL)) {
            entries.forEach(partials::add);
        }
        long reclaimed = 0;
        for (Path partial : partials) {
            String name = partial.getFileName().toString();
            Digest digest;
            try {
                digest = new Digest(name.substring(0, name.length() - PARTIAL.length()));
            } catch (IllegalArgumentException notOurs) {
                continue;
            }
            if (!has(digest) && sizeOrZero(partial) > 0) continue;
            Optional<FileClaim> claim = FileClaim.tryAcquire(lockFile(digest));
            if (claim.isEmpty()) continue; // a live ingest holds it
            try (FileClaim held = claim.get()) {
                boolean present = has(digest);
                long size = sizeOrZero(partial);
                if (!present && size > 0) continue; // written to since we looked: resumable now
                if (Files.deleteIfExists(partial)) reclaimed += size;
                if (present) held.closeAndDelete(); // as Ingest#close does once the blob exists
            }
        }
        return reclaimed;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private Path lockFile(Digest digest) {
        return ingest.resolve(digest.hex() + ".lock");
    }

    private Path partialFile(Digest digest) {
        return ingest.resolve(digest.hex() + PARTIAL);
    }

    /**
     * Where the ingest of {@code digest} writes while it runs (it may not exist): a peer's blob server follows it
     * to pass a blob on while it is still arriving. Its bytes are unverified until the blob is published.
     */
    public Path partialPath(Digest digest) {
        return partialFile(digest);
    }

    /** Bytes already downloaded for a digest (0 if none): where a resumed download starts. */
    public long partialOffset(Digest digest) {
        try {
            return Files.size(partialFile(digest));
        } catch (IOException e) {
            return 0;
        }
    }

    void publish(Path partial, Digest digest) throws IOException {
        Files.move(partial, path(digest), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.fsyncDirectory(blobs);
    }
}
