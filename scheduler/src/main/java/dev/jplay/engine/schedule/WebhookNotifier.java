package dev.jplay.engine.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs a JSON summary of a finished run to a schedule's webhook. Connection errors, 5xx and 429 are retried
 * with exponential backoff ({@code firstBackoff}, doubled each time, at most a minute); other 4xx are final.
 * The payload carries no secret: extra vars go through {@link SecretRedactor}, and free text is scrubbed.
 */
public final class WebhookNotifier {
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final HttpClient client;
    private final Duration firstBackoff;
    private final PrintStream log;
    private final ObjectMapper json = new ObjectMapper();

    public WebhookNotifier(Duration firstBackoff, PrintStream log) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build(),
                firstBackoff, log);
    }

    public WebhookNotifier(HttpClient client, Duration firstBackoff, PrintStream log) {
        this.client = client;
        this.firstBackoff = firstBackoff;
        this.log = log;
    }

    /** How a delivery went. {@code status} is the last HTTP status, or -1 when no response came. */
    public record Delivery(boolean delivered, int attempts, int status, String error) {}

    /** Sends when the settings want this outcome; returns empty-handed (0 attempts) when they do not. */
    public Delivery notify(WebhookSettings settings, Schedule schedule, RunRecord run) throws InterruptedException {
        if (!settings.wants(run.outcome())) return new Delivery(false, 0, -1, "not wanted for outcome " + run.outcome());
        byte[] body;
        try {
            body = json.writeValueAsBytes(payload(schedule, run));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode webhook payload", e);
        }
        return post(settings, body);
    }

    public static Map<String, Object> payload(Schedule schedule, RunRecord run) {
        SecretRedactor redactor = new SecretRedactor(schedule.extraVars());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("event", "jplay.run.finished");
        p.put("run_id", run.runId());
        p.put("schedule", schedule.name());
        p.put("outcome", run.outcome());
        p.put("exit_code", run.exitCode());
        p.put("scheduled_for", run.scheduledFor());
        p.put("started", run.started());
        p.put("ended", run.ended());
        p.put("playbook", schedule.playbook());
        p.put("inventory", schedule.inventory());
        p.put("extra_vars", redactor.redact(schedule.extraVars()));
        p.put("counts", run.counts());
        p.put("completed_batches", run.completedBatches().size());
        p.put("reason", redactor.scrub(run.reason()));
        p.put("report", run.report());
        return p;
    }

    Delivery post(WebhookSettings settings, byte[] body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(settings.url())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "jplay-scheduler")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        Duration backoff = firstBackoff;
        int status = -1;
        String error = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
                if (status / 100 == 2) return new Delivery(true, attempt, status, null);
                error = "HTTP " + status;
                if (status / 100 == 4 && status != 429) return new Delivery(false, attempt, status, error);
            } catch (IOException e) {
                status = -1;
                error = e.toString();
            }
            if (attempt < settings.attempts()) {
                log.println("jplay: webhook " + settings.url() + " attempt " + attempt + " failed (" + error + "); retrying in "
                        + backoff.toMillis() + " ms");
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        log.println("jplay: webhook " + settings.url() + " gave up after " + settings.attempts() + " attempts: " + error);
        return new Delivery(false, settings.attempts(), status, error);
    }
}
