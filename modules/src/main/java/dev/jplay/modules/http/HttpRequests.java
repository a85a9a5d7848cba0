package dev.jplay.modules.http;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP requests {@code uri} and {@code get_url} make from the host: http/https only, redirects followed (not
 * from https to http), failures located with the URL. {@link HttpURLConnection}, not java.net.http: it is in
 * java.base, so the Java runtime jplay pushes to bare hosts needs no extra module. A deadline always: {@code
 * timeout} bounds the connection and every read, and {@link Exchange#deadline} closes the connection when the
 * whole exchange outlives it.
 */
public final class HttpRequests {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jplay-http-deadlines");
        t.setDaemon(true);
        return t;
    });

    private HttpRequests() {}

    public static URI url(String module, ModuleArgs args) throws ModuleException {
        String raw = args.string("url");
        try {
            URI uri = new URI(raw);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": url must be http:// or https:// with a host, got '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": url is not a URL: " + e.getMessage());
        }
    }

    public static Duration timeout(ModuleArgs args, long defaultSeconds) throws ModuleException {
        long s = args.number("timeout", defaultSeconds);
        if (s <= 0) throw new ModuleException(Step.ARGS, "ARG_VALUE", "timeout must be a positive number of seconds, got " + s);
        return Duration.ofSeconds(s);
    }

    /** An open exchange: status and headers read, the body still to read from {@link #body()}. */
    public static final class Exchange implements AutoCloseable {
        private final String module;
        private final HttpURLConnection connection;
        private final ScheduledFuture<?> deadline;
        private final AtomicBoolean expired;
        private final int status;

        private Exchange(String module, HttpURLConnection connection, ScheduledFuture<?> deadline, AtomicBoolean expired, int status) {
            this.module = module;
            this.connection = connection;
            this.deadline = deadline;
            this.expired = expired;
            this.status = status;
        }

        public int status() { return status; }

        public String header(String name) { return connection.getHeaderField(name); }

        public URI finalUrl() {
            try {
                return connection.getURL().toURI();
            } catch (URISyntaxException e) {
                return null;
            }
        }

        /** The body (of an error status too). */
        public InputStream body() throws IOException {
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return in == null ? InputStream.nullInputStream() : in;
        }

        /** Reads the body up to {@code max} bytes, failing located when the deadline or a read timeout ends it. */
        public byte[] readBody(int max) throws ModuleException {
            try (InputStream in = body()) {
                return in.readNBytes(max);
            } catch (IOException e) {
                throw failure(module, connection, expired, e);
            }
        }

        @Override
        public void close() {
            deadline.cancel(false);
            connection.disconnect();
        }
    }

    /**
     * Sends the request and reads the status. {@code deadline}: the whole exchange, after which the connection is
     * closed (null: only the per-read {@code timeout}, for a download the task's deadline bounds).
     */
    public static Exchange send(String module, URI url, String method, Map<String, Object> headers, byte[] body,
                                Duration timeout, Duration deadline) throws ModuleException {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) url.toURL().openConnection();
            c.setRequestMethod(method);
        } catch (ProtocolException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": method " + method + " is not supported (GET, POST,"
                    + " PUT, DELETE, HEAD, OPTIONS)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": cannot open " + url + ": " + e.getMessage());
        }
        c.setConnectTimeout((int) timeout.toMillis());
        c.setReadTimeout((int) timeout.toMillis());
        c.setInstanceFollowRedirects(true);
        c.setUseCaches(false);
        headers.forEach((k, v) -> c.setRequestProperty(k, String.valueOf(v)));
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            expired.set(true);
            c.disconnect();
        }, (deadline == null ? Duration.ofDays(1) : deadline).toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            return new Exchange(module, c, timer, expired, c.getResponseCode());
        } catch (IOException e) {
            timer.cancel(false);
            c.disconnect();
            throw failure(module, c, expired, e);
        }
    }

    private static ModuleException failure(String module, HttpURLConnection c, AtomicBoolean expired, IOException e) {
        String what = c.getRequestMethod() + " " + c.getURL();
        if (expired.get() || e instanceof SocketTimeoutException) {
            return new ModuleException(Step.EXEC, "HTTP_TIMEOUT", module + ": " + what + " did not complete in time ("
                    + e.getMessage() + ")", e).detail("url", c.getURL().toString());
        }
        return new ModuleException(Step.EXEC, "HTTP_FAILED", module + ": " + what + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e).detail("url", c.getURL().toString());
    }
}
