package dev.jplay.modules.http;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP requests {@code uri} and {@code get_url} make from the host: http/https only, a deadline on the
 * connection and on the whole exchange always ({@code timeout}, seconds), redirects followed (not from https
 * to http), failures located with the URL.
 */
public final class HttpRequests {
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

    public static HttpRequest.Builder request(URI url, Duration timeout, Map<String, Object> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout);
        headers.forEach((k, v) -> b.header(k, String.valueOf(v)));
        return b;
    }

    /** Sends {@code request}; the connection has {@code timeout} too (the request's own covers only the response headers). */
    public static <T> HttpResponse<T> send(String module, HttpRequest request, HttpResponse.BodyHandler<T> body, Duration timeout)
            throws ModuleException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            return client.sendAsync(request, body).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ModuleException(Step.EXEC, "HTTP_TIMEOUT", module + ": " + request.method() + " " + request.uri()
                    + " did not complete within " + timeout.toSeconds() + " s").detail("url", request.uri().toString());
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            String code = c instanceof HttpTimeoutException ? "HTTP_TIMEOUT" : "HTTP_FAILED";
            throw new ModuleException(Step.EXEC, code, module + ": " + request.method() + " " + request.uri() + " failed: "
                    + (c == null ? e : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage())), c)
                    .detail("url", request.uri().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleException(Step.EXEC, "INTERRUPTED", module + ": interrupted during " + request.uri(), e);
        }
    }

    /** Closes a streamed body early; nothing to report if that fails. */
    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
