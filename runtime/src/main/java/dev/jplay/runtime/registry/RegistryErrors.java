package dev.jplay.runtime.registry;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Error statuses and the registry's error bodies turned into located {@link PullException}s. */
final class RegistryErrors {
    private RegistryErrors() {}

    /** Throws for a non-2xx status (closing the body); 401/403 are AUTH failures whatever the action's step. */
    static void check(RegistryResponse response, Step step, Digest digest) throws PullException {
        int status = response.status();
        if (status >= 200 && status < 300) return;
        String text = errorText(response.body());
        if (status == 401 || status == 403) {
            throw PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "access denied: " + text)
                    .url(response.uri()).httpStatus(status).digest(digest).build();
        }
        if (status == 404) {
            throw PullException.builder(step, PullException.NOT_FOUND, "not found: " + text)
                    .url(response.uri()).httpStatus(status).digest(digest).build();
        }
        throw PullException.builder(step, PullException.httpCode(status), "registry error: " + text)
                .url(response.uri()).httpStatus(status).digest(digest).retryable(status >= 500 || status == 429).build();
    }

    /** The registry's error JSON ({@code errors[].code/message}) as one line, or the raw start of the body. */
    static String errorText(InputStream body) {
        try (body) {
            byte[] bytes = body.readNBytes(8192);
            if (bytes.length == 0) return "(empty body)";
            try {
                if (Json.parse(bytes) instanceof Map<?, ?> document && document.get("errors") instanceof List<?> errors
                        && !errors.isEmpty()) {
                    StringBuilder sb = new StringBuilder();
                    for (Object error : errors) {
                        if (sb.length() > 0) sb.append("; ");
                        Map<?, ?> e = error instanceof Map<?, ?> m ? m : Map.of();
                        sb.append(text(e.get("code"))).append(' ').append(text(e.get("message")));
                    }
                    return sb.toString();
                }
            } catch (IOException notJson) {
                // fall through to raw text
            }
            String raw = new String(bytes, StandardCharsets.UTF_8).strip();
            return raw.length() > 200 ? raw.substring(0, 200) + "…" : raw;
        } catch (IOException e) {
            return "(unreadable body: " + e.getMessage() + ")";
        }
    }

    /** A field of a registry error as text: absent or an object/array gives "" (as before). */
    private static String text(Object value) {
        return value == null || value instanceof Map || value instanceof List ? "" : String.valueOf(value);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
