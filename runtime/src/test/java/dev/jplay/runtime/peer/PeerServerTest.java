package dev.jplay.runtime.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.store.ContentStore;
import dev.jplay.runtime.store.Ingest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PeerServerTest {
    static final String TOKEN = "run-token-0123456789abcdef";
    @TempDir Path dir;
    ContentStore store;
    PeerServer server;

    @BeforeEach
    void start() throws Exception {
        store = new ContentStore(dir.resolve("content"));
        server = PeerServer.start(store, new InetSocketAddress("127.0.0.1", 0), TOKEN.getBytes(StandardCharsets.US_ASCII),
                Duration.ofMillis(500), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One raw request; returns the status line and the body. */
    private String[] get(String path, String token) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            return new String[] {text.substring(0, text.indexOf("\r\n")), text.substring(end + 4)};
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void servesAStoredBlobOnlyToTheTokensHolderAndOnlyByDigest() throws Exception {
        byte[] blob = random(300_000, 1);
        Digest digest = store.put(blob);
        String[] ok = get("/blobs/" + digest, TOKEN);
        assertEquals("HTTP/1.1 200 OK", ok[0]);
        assertArrayEquals(blob, ok[1].getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(blob.length, server.bytesServed());

        assertEquals("HTTP/1.1 401 unauthorized", get("/blobs/" + digest, null)[0]);
        assertEquals("HTTP/1.1 401 unauthorized", get("/blobs/" + digest, TOKEN + "x")[0]);
        // Paths that are not a digest never reach the file system, even with the token.
        Files.writeString(dir.resolve("secret"), "no");
        assertEquals("HTTP/1.1 404 not a blob", get("/blobs/../../secret", TOKEN)[0]);
        assertEquals("HTTP/1.1 404 not a blob", get("/ingest/" + digest.hex() + ".partial", TOKEN)[0]);
        // An absent blob is waited for (the host may be about to fetch it), then refused.
        assertEquals("HTTP/1.1 404 blob not here", get("/blobs/" + Digest.of(new byte[] {1}), TOKEN)[0]);
        assertEquals(blob.length, server.bytesServed(), "nothing served to the refused");
    }

    @Test
    void followsAnIngestWhileItArrivesUntilTheBlobIsPublished() throws Exception {
        byte[] blob = random(1_000_000, 2);
        Digest digest = Digest.of(blob);
        try (Ingest ingest = store.ingest(digest, blob.length)) {
            ingest.write(blob, 0, 100_000);
            CompletableFuture<String[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return get("/blobs/" + digest, TOKEN);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // The receiver has the first bytes before the blob is complete: the server follows the partial file.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.bytesServed() < 100_000 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(100_000, server.bytesServed());
            ingest.write(blob, 100_000, blob.length - 100_000);
            ingest.commit();
            String[] got = answer.get(20, TimeUnit.SECONDS);
            assertEquals("HTTP/1.1 200 OK", got[0]);
            assertArrayEquals(blob, got[1].getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void anIngestThatFailsEndsTheStreamShort() throws Exception {
        byte[] blob = random(200_000, 3);
        Digest digest = Digest.of(blob);
        byte[] wrong = blob.clone();
        wrong[7] ^= 1;
        CompletableFuture<String[]> answer;
        try (Ingest ingest = store.ingest(digest, blob.length)) {
            ingest.write(wrong, 0, 50_000);
            answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return get("/blobs/" + digest, TOKEN);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.bytesServed() < 50_000 && System.nanoTime() < deadline) Thread.sleep(10);
            ingest.write(wrong, 50_000, wrong.length - 50_000);
            assertThrows(IOException.class, ingest::verify); // deletes the partial: the ingest failed
        }
        String[] got = answer.get(20, TimeUnit.SECONDS);
        assertEquals("HTTP/1.1 200 OK", got[0]);
        assertTrue(got[1].length() <= blob.length, "never more than was written");
        assertTrue(!store.has(digest));
    }

    @Test
    void closeStopsListening() throws Exception {
        int port = server.address().getPort();
        server.close();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
