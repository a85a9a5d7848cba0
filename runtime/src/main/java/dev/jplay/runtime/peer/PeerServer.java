package dev.jplay.runtime.peer;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.store.ContentStore;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's read-only blob server for the hosts of its fleet (peer-to-peer image distribution): {@code GET
 * /blobs/sha256:<hex>} with the run's bearer token answers the blob from the {@link ContentStore}, or follows its
 * ingest while it arrives ({@link BlobFollower}). Nothing else: no listing, no manifests, no writes, no path from a
 * request other than a validated digest ({@link PeerRequests}).
 *
 * <p>Bounded: at most {@link #MAX_CONNECTIONS} at once (more get 503 and close), a request head of at most 8 KiB
 * that must arrive within {@link #HEAD_TIMEOUT}, and a connection whose peer takes no byte for
 * {@link #SEND_STALL} is closed. HTTP/1.1 without keep-alive: the body of a blob that still arrives ends when the
 * connection closes. Plain HTTP, like a registry marked insecure: the token keeps strangers out, integrity is
 * the receiver's digest check; the bytes are the image's layers, which the registry serves in the clear too
 * when it is plain HTTP. {@link #close()} stops it; the agent closes it when it exits.
 */
public final class PeerServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 32;
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(5);
    /** A receiver that reads nothing for this long is gone or stuck. */
    static final Duration SEND_STALL = Duration.ofSeconds(30);
    /** How long a request waits for a blob this host has not started to fetch yet (it may still resolve its manifest). */
    public static final Duration APPEAR_WAIT = Duration.ofSeconds(20);
    /** How long a followed ingest may stop growing before its stream is given up. */
    public static final Duration INGEST_STALL = Duration.ofSeconds(20);
    private static final int MAX_HEAD = 8 * 1024;

    private final ServerSocket socket;
    private final byte[] token;
    private final BlobFollower follower;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Map<Socket, AtomicLong> open = new ConcurrentHashMap<>();
    private final AtomicLong bytesServed = new AtomicLong();
    private final Thread acceptor;
    private final Thread reaper;
    private volatile boolean closed;

    private PeerServer(ServerSocket socket, byte[] token, BlobFollower follower) {
        this.socket = socket;
        this.token = token;
        this.follower = follower;
        this.acceptor = daemon(this::acceptLoop, "jplay-peer-accept");
        this.reaper = daemon(this::reapLoop, "jplay-peer-reaper");
    }

    /** Listens on {@code address} (port 0: any free one) and serves {@code store}'s blobs to holders of {@code token}. */
    public static PeerServer start(ContentStore store, InetSocketAddress address, byte[] token) throws IOException {
        return start(store, address, token, APPEAR_WAIT, INGEST_STALL);
    }

    static PeerServer start(ContentStore store, InetSocketAddress address, byte[] token, Duration appearWait,
            Duration ingestStall) throws IOException {
        if (token == null || token.length < 16) throw new IllegalArgumentException("a peer token must have at least 16 bytes");
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(address, MAX_CONNECTIONS);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        PeerServer peer = new PeerServer(server, token.clone(), new BlobFollower(store, appearWait, ingestStall));
        peer.acceptor.start();
        peer.reaper.start();
        return peer;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Blob bytes sent to peers so far. */
    public long bytesServed() {
        return bytesServed.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            if (!slots.tryAcquire()) {
                try (client) {
                    client.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
                    answer(client.getOutputStream(), 503, "too many peer connections");
                } catch (IOException ignored) {
                    // it asked at a bad time; it falls back elsewhere
                }
                continue;
            }
            open.put(client, new AtomicLong(System.nanoTime()));
            daemon(() -> {
                try (client) {
                    handle(client);
                } catch (IOException | RuntimeException e) {
                    // the receiver sees a closed connection and falls back to another source
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    open.remove(client);
                    slots.release();
                }
            }, "jplay-peer-serve").start();
        }
    }

    /** Closes connections whose receiver took nothing for {@link #SEND_STALL}: a blocked write has no timeout of its own. */
    private void reapLoop() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            open.forEach((client, progress) -> {
                if (now - progress.get() > SEND_STALL.toNanos()) {
                    try {
                        client.close();
                    } catch (IOException ignored) {
                        // closing is all we wanted
                    }
                }
            });
        }
    }

    private void handle(Socket client) throws IOException, InterruptedException {
        client.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
        client.setTcpNoDelay(true);
        AtomicLong progress = open.get(client);
        OutputStream raw = client.getOutputStream();
        String head = readHead(client.getInputStream());
        if (head == null) {
            answer(raw, 400, "bad request");
            return;
        }
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ");
        if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
            answer(raw, 400, "bad request");
            return;
        }
        if (!PeerRequests.authorized(header(lines, "authorization"), token)) {
            answer(raw, 401, "unauthorized");
            return;
        }
        boolean headOnly = request[0].equals("HEAD");
        if (!headOnly && !request[0].equals("GET")) {
            answer(raw, 405, "only GET and HEAD");
            return;
        }
        Optional<Digest> digest = PeerRequests.blobDigest(request[1]);
        if (digest.isEmpty()) {
            answer(raw, 404, "not a blob");
            return;
        }
        OutputStream counted = new ProgressStream(new BufferedOutputStream(raw, 64 * 1024), progress);
        follower.send(digest.get(), new BlobFollower.Sink() {
            @Override
            public OutputStream begin(long length) throws IOException {
                StringBuilder h = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n");
                if (length >= 0) h.append("Content-Length: ").append(length).append("\r\n");
                raw.write(h.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                raw.flush();
                return headOnly ? OutputStream.nullOutputStream() : counted;
            }

            @Override
            public void notFound() throws IOException {
                answer(raw, 404, "blob not here");
            }
        });
    }

    private static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) return lines[i].substring(colon + 1).trim();
        }
        return null;
    }

    /** The request head up to the blank line, or null if it is longer than {@link #MAX_HEAD} or ends early. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                return new String(Arrays.copyOf(bytes, bytes.length - 4), StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void answer(OutputStream out, int status, String reason) throws IOException {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to stop
        }
        reaper.interrupt();
        try {
            acceptor.join(5000); // the listening socket is gone once the accept loop has ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.keySet().forEach(client -> {
            try {
                client.close();
            } catch (IOException ignored) {
                // going away anyway
            }
        });
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Counts what reaches the socket and when, for the stall reaper and {@link #bytesServed()}. */
    private final class ProgressStream extends java.io.FilterOutputStream {
        private final AtomicLong progress;

        ProgressStream(OutputStream out, AtomicLong progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            progress.set(System.nanoTime());
            bytesServed.addAndGet(len);
        }
    }
}
