package dev.jplay.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jplay.runtime.image.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A registry stand-in that stalls: it serves one image ({@code stall/app:1}, one gzip layer holding
 * {@code payload.bin}) and answers the layer's GET with its headers and the first {@link #SENT} bytes, then sends
 * nothing more while keeping the connection open, until closed. Everything else is answered normally.
 */
public final class StallingRegistry implements AutoCloseable {
    public static final String REPOSITORY = "stall/app";
    public static final int SENT = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger stalledRequests = new AtomicInteger();
    private final byte[] layer;
    private final byte[] config;
    private final byte[] manifest;
    public final String layerDigest;
    public final String manifestDigest;

    private StallingRegistry(String address) throws IOException {
        layer = gzipTar("payload.bin", 512 * 1024);
        layerDigest = sha256(layer);
        String diffId = sha256(gunzip(layer));
        config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha256(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        manifestDigest = sha256(manifest);
        server = HttpServer.create(new InetSocketAddress(address, 0), 16);
        server.setExecutor(threads);
        server.createContext("/v2/", this::handle);
        server.start();
    }

    /** Serves on {@code address} (loopback, or the fleet's bridge so that its hosts reach it), on a free port. */
    public static StallingRegistry start(String address) throws IOException {
        return new StallingRegistry(address);
    }

    /** {@code host:port/stall/app:1} */
    public String reference() {
        return server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/" + REPOSITORY + ":1";
    }

    /** How many layer downloads it has stalled so far. */
    public int stalledRequests() { return stalledRequests.get(); }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        boolean head = "HEAD".equals(x.getRequestMethod());
        try (x) {
            if (path.equals("/v2/")) {
                send(x, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
            } else if (path.equals("/v2/" + REPOSITORY + "/manifests/1") || path.equals("/v2/" + REPOSITORY + "/manifests/" + manifestDigest)) {
                x.getResponseHeaders().add("Docker-Content-Digest", manifestDigest);
                send(x, 200, "application/vnd.oci.image.manifest.v1+json", manifest, head);
            } else if (path.equals("/v2/" + REPOSITORY + "/blobs/" + sha256(config))) {
                send(x, 200, "application/octet-stream", config, head);
            } else if (path.equals("/v2/" + REPOSITORY + "/blobs/" + layerDigest) && !head) {
                stalledRequests.incrementAndGet();
                x.getResponseHeaders().add("Content-Type", "application/octet-stream");
                x.sendResponseHeaders(200, layer.length);
                OutputStream out = x.getResponseBody();
                out.write(layer, 0, SENT);
                out.flush();
                closed.await(); // the stall: headers and a part sent, the connection open, nothing more
            } else {
                send(x, 404, "application/json", "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}".getBytes(StandardCharsets.UTF_8), head);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body, boolean head) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        if (head) {
            x.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A tar with one file of incompressible bytes, gzipped: the stall comes mid-entry. */
    private static byte[] gzipTar(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(size);
            e.setMode(0644);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] b) {
        return Digest.of(b).toString();
    }
}
