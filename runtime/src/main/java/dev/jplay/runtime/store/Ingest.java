package dev.jplay.runtime.store;

import dev.jplay.runtime.fs.FileClaim;
import dev.jplay.runtime.image.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One blob being written into a {@link ContentStore}; holds the digest's ingest lock until closed. Bytes are
 * hashed as they are appended, so {@link #commit()} verifies without re-reading. A resumed ingest re-hashes the
 * partial file it continues.
 *
 * <p>The fsync that {@link #commit()} needs before the blob may appear is started early: every {@link #FLUSH_EVERY}
 * bytes a background thread flushes what was written so far (fdatasync, while the download goes on), so the disk
 * writes overlap the download and the commit only waits for the tail, not for a whole blob's writeback.
 */
public final class Ingest implements Closeable {
    /** Start a background flush after this many new bytes: a few per ~100 MB layer, each covering the bytes before. */
    static final long FLUSH_EVERY = 16L << 20;
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jplay-ingest-flush");
        thread.setDaemon(true);
        return thread;
    });

    private final ContentStore store;
    private final Digest expected;
    private final long expectedSize;
    private final Path partial;
    private final FileClaim lock;
    private final boolean complete;
    private FileChannel out;
    private MessageDigest hash;
    private long offset;
    private boolean verified;
    private boolean closed;
    /** Bytes written since the last background flush started, and that flush (null: none running). */
    private long unflushed;
    private Future<?> flushing;
    /** Background flushes started: a test checks that big blobs get them. */
    private int flushes;

    Ingest(ContentStore store, Digest expected, long expectedSize, Path partial, FileClaim lock) throws IOException {
        this.store = store;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.partial = partial;
        this.lock = lock;
        this.complete = store.has(expected);
        if (!complete) openPartial();
    }

    private void openPartial() throws IOException {
        hash = Digest.newSha256();
        if (Files.exists(partial) && expectedSize >= 0 && Files.size(partial) > expectedSize) {
            Files.delete(partial); // longer than the blob can be: garbage from some earlier bug
        }
        out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        offset = out.size();
        if (offset > 0) {
            try (InputStream in = Files.newInputStream(partial)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) hash.update(buffer, 0, n);
            }
        }
        out.position(offset);
    }

    public Digest digest() {
        return expected;
    }

    /** True when the blob was already in the store when this ingest got its lock: nothing to write. */
    public boolean isComplete() {
        return complete;
    }

    /** Bytes already written (including those of a resumed partial). */
    public long offset() {
        return offset;
    }

    /** Reads the bytes written so far, e.g. to replay a resumed partial to a stream consumer. */
    public InputStream openWritten() throws IOException {
        return new LimitedInputStream(Files.newInputStream(partial), offset);
    }

    public void write(byte[] bytes, int from, int length) throws IOException {
        ensureWritable();
        if (expectedSize >= 0 && offset + length > expectedSize) {
            throw new ContentMismatchException(ContentMismatchException.Kind.SIZE, expected,
                    "blob " + expected + " is longer than its declared size " + expectedSize);
        }
        if (verified) throw new IllegalStateException("blob " + expected + " was verified; nothing may be appended");
        ByteBuffer buffer = ByteBuffer.wrap(bytes, from, length);
        while (buffer.hasRemaining()) out.write(buffer);
        hash.update(bytes, from, length);
        offset += length;
        unflushed += length;
        if (unflushed >= FLUSH_EVERY && (flushing == null || flushing.isDone())) startFlush();
    }

    private void startFlush() {
        unflushed = 0;
        flushes++;
        FileChannel channel = out;
        flushing = FLUSHER.submit(() -> {
            channel.force(false);
            return null;
        });
    }

    /** Waits for a background flush; its failure is the commit's (the commit's own fsync would fail the same way). */
    private void awaitFlush() throws IOException {
        if (flushing == null) return;
        try {
            flushing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("flushing " + partial + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while flushing " + partial, e);
        } finally {
            flushing = null;
        }
    }

    int backgroundFlushes() {
        return flushes;
    }

    /** Drops what was written so far and starts again at offset 0. */
    public void discard() throws IOException {
        ensureWritable();
        out.truncate(0);
        out.position(0);
        hash.reset();
        offset = 0;
        verified = false;
    }

    /**
     * Checks size and digest of what was written, without making it durable or visible yet: a stream consumer can
     * be told the bytes are good while {@link #commit()} still flushes them. On a digest mismatch the partial file
     * is deleted (its bytes are wrong, resuming it would never succeed).
     */
    public void verify() throws IOException {
        ensureWritable();
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && offset != expectedSize) {
            throw new ContentMismatchException(ContentMismatchException.Kind.SIZE, expected,
                    "blob " + expected + " has " + offset + " bytes, expected " + expectedSize);
        }
        Digest actual = Digest.fromHash(hash.digest());
        if (!actual.equals(expected)) {
            out.close();
            Files.deleteIfExists(partial);
            throw new ContentMismatchException(ContentMismatchException.Kind.DIGEST, expected,
                    "blob content has digest " + actual + ", expected " + expected);
        }
        verified = true;
    }

    /** Verifies (unless {@link #verify()} did), fsyncs, then makes the blob visible atomically. */
    public void commit() throws IOException {
        verify();
        awaitFlush();
        out.force(true);
        out.close();
        store.publish(partial, expected);
    }

    private void ensureWritable() throws IOException {
        if (complete) throw new IllegalStateException("blob " + expected + " is already in the store");
        if (closed) throw new IOException("ingest of " + expected + " is closed");
        if (!out.isOpen()) throw new IOException("ingest of " + expected + " was already committed or failed");
    }

    /** Releases the ingest lock; an uncommitted partial file stays for a later resume. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (out != null) out.close();
        } finally {
            // Once the blob exists the lock file has served its purpose; a waiter still holding the old inode
            // will find the blob present when it gets the lock.
            if (store.has(expected)) lock.closeAndDelete();
            else lock.close();
        }
    }

    private static final class LimitedInputStream extends java.io.FilterInputStream {
        private long remaining;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = super.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }
    }
}
