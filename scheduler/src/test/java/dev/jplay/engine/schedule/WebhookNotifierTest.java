package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus = 500;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            arrivals.add(System.nanoTime());
            int status = failuresLeft.getAndDecrement() > 0 ? failureStatus : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private Schedule schedule(WebhookSettings hook) {
        return new Schedule("web", "/srv/deploy.yml", List.of("hosts.ini"),
                Map.of("version", "1.2", "db_password", "hunter2-secret", "registry", Map.of("api_token", "tok-123456")),
                CronTrigger.parse("0 2 * * *", ZoneId.of("UTC")), null, MissedRunPolicy.SKIP, null, hook, Instant.EPOCH);
    }

    private static RunRecord failed() {
        return new RunRecord("r1", "web", "2026-01-01T02:00:00Z", "2026-01-01T02:00:01Z", "2026-01-01T02:05:00Z", "failed", 2,
                "task failed: login with hunter2-secret refused", "/srv/deploy.yml", List.of("hosts.ini"), List.of("db_password"),
                new RunRecord.Counts(3, 5, 2, 1, 0, 0, 0, 0), "runs/r1/report.json", null, List.of());
    }

    @Test
    void retriesServerErrorsWithBackoffAndCarriesNoSecret() throws Exception {
        failuresLeft.set(2);
        WebhookSettings hook = new WebhookSettings(url(), WebhookSettings.When.FAILURE, 4);
        WebhookNotifier n = new WebhookNotifier(Duration.ofMillis(100), new PrintStream(log, true));
        WebhookNotifier.Delivery d = n.notify(hook, schedule(hook), failed());
        assertTrue(d.delivered());
        assertEquals(3, d.attempts());
        assertEquals(3, bodies.size());
        assertTrue(Duration.ofNanos(arrivals.get(1) - arrivals.get(0)).toMillis() >= 100, "first backoff");
        assertTrue(Duration.ofNanos(arrivals.get(2) - arrivals.get(1)).toMillis() >= 200, "doubled backoff");
        String body = bodies.get(2);
        assertFalse(body.contains("hunter2-secret"), body);
        assertFalse(body.contains("tok-123456"), body);
        JsonNode json = new ObjectMapper().readTree(body);
        assertEquals("failed", json.get("outcome").asText());
        assertEquals("1.2", json.get("extra_vars").get("version").asText());
        assertEquals(SecretRedactor.REDACTED, json.get("extra_vars").get("db_password").asText());
        assertEquals(SecretRedactor.REDACTED, json.get("extra_vars").get("registry").get("api_token").asText());
        assertEquals("task failed: login with <redacted> refused", json.get("reason").asText());
        assertEquals(1, json.get("counts").get("failed").asInt());
    }

    @Test
    void clientErrorsAreNotRetriedAndGivingUpIsReported() throws Exception {
        failureStatus = 404;
        failuresLeft.set(10);
        WebhookSettings hook = new WebhookSettings(url(), WebhookSettings.When.ALWAYS, 4);
        WebhookNotifier.Delivery d = new WebhookNotifier(Duration.ofMillis(10), new PrintStream(log, true)).notify(hook, schedule(hook), failed());
        assertFalse(d.delivered());
        assertEquals(1, d.attempts());
        assertEquals(404, d.status());

        failureStatus = 503;
        bodies.clear();
        WebhookSettings twice = new WebhookSettings(url(), WebhookSettings.When.ALWAYS, 2);
        WebhookNotifier.Delivery gaveUp = new WebhookNotifier(Duration.ofMillis(10), new PrintStream(log, true)).notify(twice, schedule(twice), failed());
        assertFalse(gaveUp.delivered());
        assertEquals(2, bodies.size());
        assertTrue(log.toString().contains("gave up after 2 attempts"), log.toString());
    }

    @Test
    void failureOnlyHooksStayQuietForSuccessfulRuns() throws Exception {
        WebhookSettings hook = new WebhookSettings(url(), WebhookSettings.When.FAILURE, 3);
        RunRecord ok = failed().ended("2026-01-01T02:05:00Z", "ok", 0, null, null, null);
        WebhookNotifier.Delivery d = new WebhookNotifier(Duration.ofMillis(10), new PrintStream(log, true)).notify(hook, schedule(hook), ok);
        assertEquals(0, d.attempts());
        assertEquals(0, bodies.size());
    }
}
