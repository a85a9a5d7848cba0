package dev.jplay.engine.schedule;

import java.net.URI;
import java.util.Locale;

/**
 * Where to POST a JSON summary of a run, and when.
 *
 * @param attempts total tries (first one included) before giving up
 */
public record WebhookSettings(URI url, When when, int attempts) {
    public enum When {
        FAILURE, ALWAYS;

        public static When parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "failure" -> FAILURE;
                case "always" -> ALWAYS;
                default -> throw new IllegalArgumentException("notify when must be failure or always, got '" + s + "'");
            };
        }

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public WebhookSettings {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("webhook url must be http(s)://host/..., got '" + url + "'");
        }
        if (attempts < 1 || attempts > 20) throw new IllegalArgumentException("webhook attempts must be 1..20, got " + attempts);
    }

    public boolean wants(String outcome) {
        return when == When.ALWAYS || !RunRecord.OK.equals(outcome);
    }
}
