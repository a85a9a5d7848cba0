package dev.jplay.runtime.peer;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.store.ContentStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Streams one blob of a {@link ContentStore} to a peer: the stored blob if it is there, else its ingest while it
 * arrives, following the partial file as it grows (as Dragonfly's seed peers do), so a chain of hosts receives a
 * layer in about the time one host does. The open file stays the same inode when the ingest publishes it by rename,
 * so following ends when the published blob is as long as what was sent.
 *
 * <p>The bytes sent are not vouched for: the receiver verifies them against the digest of the manifest it resolved
 * itself. An ingest that fails here (its partial file deleted or truncated) ends the stream early, which the
 * receiver sees as a truncated body.
 */
final class BlobFollower {
    private static final int BUFFER = 128 * 1024;
    private static final long POLL_MILLIS = 10;

    private final ContentStore store;
    private final Duration appearWait;
    private final Duration stallLimit;

    /**
     * @param appearWait how long to wait for a blob that is neither stored nor arriving (the host may still be
     *     resolving its manifest)
     * @param stallLimit how long an ingest may stop growing before the stream is given up
     */
    BlobFollower(ContentStore store, Duration appearWait, Duration stallLimit) {
        this.store = store;
        this.appearWait = appearWait;
        this.stallLimit = stallLimit;
    }

    /** What a request for a digest finds. */
    interface Sink {
        /** Called once before any byte: {@code length} is -1 while the blob still arrives. */
        OutputStream begin(long length) throws IOException;

        void notFound() throws IOException;
    }

    /** Sends the blob to {@code sink}; returns the bytes sent, or -1 when there was nothing to send. */
    long send(Digest digest, Sink sink) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + appearWait.toNanos();
        while (true) {
            Path stored = store.path(digest);
            FileChannel channel = open(stored);
            if (channel != null) {
                try (channel) {
                    return copyStored(channel, sink.begin(channel.size()));
                }
            }
            FileChannel partial = open(store.partialPath(digest));
            if (partial != null) {
                try (partial) {
                    return follow(digest, partial, sink.begin(-1));
                }
            }
            if (System.nanoTime() - giveUp > 0) {
                sink.notFound();
                return -1;
            }
            Thread.sleep(POLL_MILLIS * 5);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException absent) {
            return null;
        }
    }

    private static long copyStored(FileChannel channel, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        long sent = 0;
        while (channel.read(buffer) > 0) {
            out.write(buffer.array(), 0, buffer.position());
            sent += buffer.position();
            buffer.clear();
        }
        out.flush();
        return sent;
    }

    private long follow(Digest digest, FileChannel partial, OutputStream out) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        long sent = 0;
        long lastGrowth = System.nanoTime();
        while (true) {
            int n = partial.read(buffer, sent);
            if (n > 0) {
                out.write(buffer.array(), 0, n);
                buffer.clear();
                sent += n;
                lastGrowth = System.nanoTime();
                continue;
            }
            out.flush();
            if (partial.size() < sent) {
                throw new IOException("the ingest of " + digest + " started over; stream ended after " + sent + " bytes");
            }
            if (store.has(digest)) {
                long published = sizeOr(store.path(digest), -1);
                if (published == sent) return sent;
                if (partial.size() > sent) continue; // our inode is the published one and has more to read
                throw new IOException(digest + " was published from another ingest than the one followed; stream ended after "
                        + sent + " bytes");
            }
            // Checked after the partial's absence: a publish renames it, so a blob published meanwhile shows here.
            if (!Files.exists(store.partialPath(digest)) && !store.has(digest) && partial.size() == sent) {
                throw new IOException("the ingest of " + digest + " ended without the blob; stream ended after " + sent + " bytes");
            }
            if (System.nanoTime() - lastGrowth > stallLimit.toNanos()) {
                throw new IOException("the ingest of " + digest + " stalled for " + stallLimit.toSeconds() + " s after " + sent + " bytes");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static long sizeOr(Path file, long absent) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return absent;
        }
    }
}
