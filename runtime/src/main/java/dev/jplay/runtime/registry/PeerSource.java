package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One host of the fleet that serves blobs ({@code dev.jplay.runtime.peer.PeerServer}): opens {@code GET
 * /blobs/<digest>} on it with the run's token. Its bytes are trusted no more than a stranger's: the puller writes
 * them through the same verifying ingest as a registry's.
 *
 * @param host the peer's fleet address
 * @param port its blob server's port
 */
public record PeerSource(String host, int port) {
    /** A peer whose agent has not started its server yet refuses connections: try again until this has passed. */
    static final Duration START_WAIT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    public PeerSource {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("peer host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("peer port out of range: " + port);
    }

    /** Parses {@code host:port} (an IPv6 host in brackets). */
    public static PeerSource parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("peer must be host:port, got '" + text + "'");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        try {
            return new PeerSource(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer must be host:port, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    URI uri(Digest digest) {
        return URI.create("http://" + this + "/blobs/" + digest);
    }

    /**
     * Opens the blob's body. A refused connection is tried again for {@link #START_WAIT} (the peer's agent may be
     * starting); the body's reads time out after {@code stallTimeout} without a byte.
     */
    BlobPuller.Body open(Digest digest, byte[] token, Duration stallTimeout) throws PullException {
        URI uri = uri(digest);
        long giveUp = System.nanoTime() + START_WAIT.toNanos();
        Socket socket;
        while (true) {
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
                break;
            } catch (ConnectException refused) {
                close(socket);
                if (System.nanoTime() - giveUp > 0) throw failure(PeerSources.UNREACHABLE, "connection refused", uri, digest, refused);
                sleep(200);
            } catch (IOException e) {
                close(socket);
                throw failure(PeerSources.UNREACHABLE, RegistryErrors.describe(e), uri, digest, e);
            }
        }
        try {
            socket.setSoTimeout((int) stallTimeout.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /blobs/" + digest + " HTTP/1.1\r\nHost: " + this + "\r\nAuthorization: Bearer ").getBytes(StandardCharsets.US_ASCII));
            out.write(token);
            out.write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 128 * 1024);
            String status = statusLine(in);
            int code = status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1;
            skipHeaders(in);
            if (code != 200) {
                close(socket);
                String why = switch (code) {
                    case 401 -> PeerSources.REFUSED;
                    case 404 -> PeerSources.NOT_FOUND;
                    default -> PeerSources.ANSWERED + "_" + code;
                };
                throw failure(why, "peer answered " + status.trim(), uri, digest, null);
            }
            Socket held = socket;
            InputStream body = new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    held.close();
                }
            };
            return new BlobPuller.Body(body, 0, -1, uri);
        } catch (SocketTimeoutException e) {
            close(socket);
            throw failure(PeerSources.STALLED, "no answer for " + stallTimeout.toSeconds() + " s", uri, digest, e);
        } catch (IOException | NumberFormatException e) {
            close(socket);
            throw failure(PeerSources.BROKE_OFF, RegistryErrors.describe(e), uri, digest, e);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        String line = line(in);
        if (!line.startsWith("HTTP/1.")) throw new IOException("not an HTTP answer: " + line);
        return line;
    }

    private static void skipHeaders(InputStream in) throws IOException {
        for (int i = 0; i < 100; i++) {
            if (line(in).isEmpty()) return;
        }
        throw new IOException("more than 100 header lines");
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new IOException("connection closed in the answer's head");
            if (bytes.size() > 8192) throw new IOException("answer head line longer than 8 KiB");
            if (b != '\r') bytes.write(b);
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static PullException failure(String code, String message, URI uri, Digest digest, Throwable cause) {
        return PullException.builder(Step.FETCH, code, message).url(uri).digest(digest).retryable(false).build(cause);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    private static void sleep(long millis) throws PullException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PullException.builder(Step.FETCH, PullException.INTERRUPTED, "pull interrupted").build(e);
        }
    }
}
