package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GET of a container's page: a server binds a moment after runc reports it running, so refused connects are retried for 5 s. */
public final class HttpWait {
    private HttpWait() {}

    /** The body of a 200 answer to {@code GET url}. */
    public static String get(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertEquals(200, response.statusCode());
                return response.body();
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline) throw notYetListening;
                Thread.sleep(20);
            }
        }
    }
}
