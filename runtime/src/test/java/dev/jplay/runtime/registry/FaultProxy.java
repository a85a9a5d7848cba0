package dev.jplay.runtime.registry;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy in front of the real registry (one request per connection) that records every request and
 * can inject faults: error statuses, truncated or corrupted bodies, dropped connections, redirects to another
 * host; optionally it demands basic auth like a protected registry would.
 */
final class FaultProxy implements AutoCloseable {
    record Request(String method, String path, Map<String, String> headers) {
        boolean isBlobGet() {
            return method.equals("GET") && path.contains("/blobs/");
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    sealed interface Fault permits Status, Truncate, Corrupt, Drop, RedirectTo, Delay, ContentType, Stall, Trickle {}

    record Status(int code) implements Fault {}

    /** Sends the full Content-Length but closes after this many body bytes. */
    record Truncate(long afterBytes) implements Fault {}

    /** Flips one byte in the middle of the body. */
    record Corrupt() implements Fault {}

    /** Closes the connection without answering. */
    record Drop() implements Fault {}

    /** Answers 307 to the same path on another base URL. */
    record RedirectTo(URI base) implements Fault {}

    /** Waits before forwarding (to make concurrent downloads observable). */
    record Delay(long millis) implements Fault {}

    /** Forwards, but answers with this Content-Type. */
    record ContentType(String value) implements Fault {}

    /** Sends the headers and {@code afterBytes} of the body, then nothing for {@code millis} (the connection open), then the rest. */
    record Stall(long afterBytes, long millis) implements Fault {}

    /** Sends the body in 64 KiB pieces with a pause of {@code millis} before each: slow, never stalled. */
    record Trickle(long millis) implements Fault {}

    private record Injection(Predicate<Request> match, Fault fault, AtomicInteger remaining) {}

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "transfer-encoding", "host",
            "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "expect");

    private final URI upstream;
    private final ServerSocket server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Injection> injections = new CopyOnWriteArrayList<>();
    private volatile String requiredBasic;
    private final AtomicInteger inFlightBlobGets = new AtomicInteger();
    private final AtomicInteger maxInFlightBlobGets = new AtomicInteger();

    FaultProxy(URI upstream, String bindAddress) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
        threads.submit(this::acceptLoop);
    }

    FaultProxy(URI upstream) throws IOException {
        this(upstream, "127.0.0.1");
    }

    String hostPort() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    URI base() {
        return URI.create("http://" + hostPort());
    }

    void requireBasic(String user, String password) {
        requiredBasic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Injects {@code fault} into the next {@code times} requests matching {@code match}. */
    void inject(Predicate<Request> match, Fault fault, int times) {
        injections.add(new Injection(match, fault, new AtomicInteger(times)));
    }

    List<Request> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    /** The most blob GETs this proxy served at the same time. */
    int maxConcurrentBlobGets() {
        return maxInFlightBlobGets.get();
    }

    void clearRequests() {
        requests.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.submit(() -> handle(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Request request = readRequest(in);
            if (request == null) return;
            requests.add(request);
            OutputStream out = socket.getOutputStream();
            if (requiredBasic != null && !requiredBasic.equals(request.header("authorization"))) {
                writeHead(out, 401, Map.of("WWW-Authenticate", "Basic realm=\"fault-proxy\"", "Content-Length", "0"));
                return;
            }
            Fault fault = takeFault(request);
            if (fault instanceof Drop) return;
            if (fault instanceof Status status) {
                byte[] body = ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"injected " + status.code() + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                writeHead(out, status.code(), Map.of("Content-Type", "application/json", "Content-Length", String.valueOf(body.length)));
                out.write(body);
                return;
            }
            if (fault instanceof RedirectTo redirect) {
                writeHead(out, 307, Map.of("Location", redirect.base().resolve(request.path()).toString(), "Content-Length", "0"));
                return;
            }
            boolean blob = request.isBlobGet();
            if (blob) maxInFlightBlobGets.accumulateAndGet(inFlightBlobGets.incrementAndGet(), Math::max);
            try {
                if (fault instanceof Delay delay) Thread.sleep(delay.millis());
                forward(request, out, fault);
            } finally {
                if (blob) inFlightBlobGets.decrementAndGet();
            }
        } catch (IOException | InterruptedException ignored) {
            // the client went away: nothing to do for a test proxy
        }
    }

    private Fault takeFault(Request request) {
        for (Injection injection : injections) {
            if (injection.match().test(request) && injection.remaining().getAndDecrement() > 0) return injection.fault();
        }
        return null;
    }

    private void forward(Request request, OutputStream out, Fault fault) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(upstream.resolve(request.path()))
                .method(request.method(), HttpRequest.BodyPublishers.noBody());
        request.headers().forEach((name, value) -> {
            if (!HOP_HEADERS.contains(name)) builder.header(name, value);
        });
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        Map<String, String> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) headers.put(name, values.get(0));
        });
        response.headers().firstValue("Content-Length").ifPresent(length -> headers.put("Content-Length", length));
        if (fault instanceof ContentType contentType) {
            headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Type"));
            headers.put("Content-Type", contentType.value());
        }
        writeHead(out, response.statusCode(), headers);
        try (InputStream body = response.body()) {
            long limit = fault instanceof Truncate truncate ? truncate.afterBytes() : Long.MAX_VALUE;
            long corruptAt = fault instanceof Corrupt ? response.headers().firstValueAsLong("Content-Length").orElse(1) / 2 : -1;
            long position = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = body.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                if (corruptAt >= position && corruptAt < position + n) buffer[(int) (corruptAt - position)] ^= 0x5a;
                int allowed = (int) Math.min(n, limit - position);
                if (fault instanceof Trickle trickle) {
                    out.flush();
                    Thread.sleep(trickle.millis());
                }
                if (fault instanceof Stall stall && position <= stall.afterBytes() && stall.afterBytes() < position + allowed) {
                    int first = (int) (stall.afterBytes() - position);
                    out.write(buffer, 0, first);
                    out.flush();
                    Thread.sleep(stall.millis());
                    out.write(buffer, first, allowed - first);
                } else {
                    out.write(buffer, 0, allowed);
                }
                position += allowed;
                if (position >= limit) break;
            }
            out.flush();
        }
    }

    private static void writeHead(OutputStream out, int status, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 307 -> "Temporary Redirect";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) return null;
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new TreeMap<>();
        for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Request(parts[0], parts[1], headers);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
