package dev.jplay.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where and why something failed: the {@link Step}, a stable machine-readable {@code code} (UPPER_SNAKE, e.g.
 * {@code REGISTRY_HTTP_500}, {@code NON_ZERO_RC}), one sentence for a person, the facts that help act on it
 * ({@code detail}, snake_case keys: URL, HTTP status, digest, rc, stderr tail...; never null, maybe empty), and
 * whether trying again may help. Every failure shape (a module's, a pull's, a container launch's, a connection's)
 * produces one, and it travels unchanged from the agent to the report.
 */
public record Failure(Step step, String code, String message, Map<String, Object> detail, boolean retryable) {
    public Failure {
        if (step == null) throw new IllegalArgumentException("a failure needs its step");
        if (code == null) throw new IllegalArgumentException("a failure needs its code");
        detail = detail == null || detail.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(detail));
    }

    public Failure(Step step, String code, String message) {
        this(step, code, message, Map.of(), false);
    }

    public static Builder builder(Step step, String code, String message) {
        return new Builder(step, code, message);
    }

    /** The same failure with another message (e.g. hidden by no_log). */
    public Failure withMessage(String message) {
        return new Failure(step, code, message, detail, retryable);
    }

    /** The same failure with {@code detail} replaced. */
    public Failure withDetail(Map<String, Object> detail) {
        return new Failure(step, code, message, detail, retryable);
    }

    /** Builds a failure detail by detail; null values are left out. */
    public static final class Builder {
        private final Step step;
        private final String code;
        private final String message;
        private final Map<String, Object> detail = new LinkedHashMap<>();
        private boolean retryable;

        private Builder(Step step, String code, String message) {
            this.step = step;
            this.code = code;
            this.message = message;
        }

        public Builder detail(String key, Object value) {
            if (value != null) detail.put(key, value);
            return this;
        }

        public Builder detail(Map<String, ?> details) {
            if (details != null) {
                for (Map.Entry<String, ?> e : details.entrySet()) detail(e.getKey(), e.getValue());
            }
            return this;
        }

        public Builder retryable(boolean retryable) {
            this.retryable = retryable;
            return this;
        }

        public Failure build() {
            return new Failure(step, code, message, detail, retryable);
        }
    }
}
