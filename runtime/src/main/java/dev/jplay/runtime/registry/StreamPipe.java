package dev.jplay.runtime.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded in-memory pipe from a downloading thread to a consuming thread. Unlike {@link java.io.PipedInputStream}
 * the writer can end the stream with an error the reader sees, and a reader that closes early doesn't block the
 * writer (further bytes are dropped).
 */
final class StreamPipe {
    private static final Object END = new Object();
    private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(32);
    private volatile boolean readerClosed;

    void write(byte[] bytes, int from, int length) throws IOException {
        if (length == 0) return;
        byte[] chunk = java.util.Arrays.copyOfRange(bytes, from, from + length);
        put(chunk);
    }

    void finish() throws IOException {
        put(END);
    }

    void fail(IOException error) {
        try {
            put(error);
        } catch (IOException interrupted) {
            // the reader will not learn the reason, but it is going away anyway
        }
    }

    private void put(Object item) throws IOException {
        try {
            while (!readerClosed) {
                if (chunks.offer(item, 100, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing bytes to the layer consumer", e);
        }
    }

    InputStream reader() {
        return new InputStream() {
            private byte[] current;
            private int position;
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                while (current == null || position == current.length) {
                    if (ended) return -1;
                    Object next;
                    try {
                        next = chunks.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        // A failed pull interrupts its consumers right after handing them the failure: a consumer
                        // still working through earlier chunks must learn that reason, not "interrupted".
                        for (Object queued : chunks) {
                            if (queued instanceof IOException error) {
                                ended = true;
                                throw new IOException(error.getMessage(), error);
                            }
                        }
                        throw new IOException("interrupted while waiting for layer bytes", e);
                    }
                    if (next == END) {
                        ended = true;
                        return -1;
                    }
                    if (next instanceof IOException error) {
                        ended = true;
                        throw new IOException(error.getMessage(), error);
                    }
                    current = (byte[]) next;
                    position = 0;
                }
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                readerClosed = true;
                chunks.clear();
            }
        };
    }
}
