package dev.jplay.modules.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tiny HTTP server on loopback for module tests: fixed answers by path, requests recorded. */
public final class LoopbackHttp implements AutoCloseable {
    public record Seen(String method, String path, String contentType, String body) {}

    private final HttpServer server;
    public final List<Seen> seen = new CopyOnWriteArrayList<>();

    public LoopbackHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    /** Answers {@code path} with {@code status}, {@code contentType} and {@code body}; {@code delayMs} before the headers. */
    public LoopbackHttp answer(String path, int status, String contentType, byte[] body, long delayMs) {
        server.createContext(path, exchange -> {
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            try {
                if (delayMs > 0) Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (contentType != null) exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
            exchange.close();
        });
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
