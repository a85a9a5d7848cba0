package dev.jplay.modules;

import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A module's failure, located by its {@link Step} and a stable code, e.g.
 * {@code new ModuleException(Step.ARGS, "ARG_MISSING", "path is required")}; the agent answers with its
 * {@link #failure()}.
 */
public class ModuleException extends Exception {
    private final Step step;
    private final String code;
    private final Map<String, Object> detail = new LinkedHashMap<>();
    private boolean retryable;

    public ModuleException(Step step, String code, String message) {
        this(step, code, message, null);
    }

    public ModuleException(Step step, String code, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.code = code;
    }

    /** A located failure (a runtime's pull or launch failure) as a module's, with its detail. */
    public ModuleException(Failure failure, Throwable cause) {
        this(failure.step(), failure.code(), failure.message(), cause);
        detail.putAll(failure.detail());
        retryable = failure.retryable();
    }

    public ModuleException detail(String key, Object value) {
        if (value != null) detail.put(key, value);
        return this;
    }

    public Step step() { return step; }
    public String code() { return code; }
    public Map<String, Object> detailMap() { return detail; }

    public Failure failure() {
        return new Failure(step, code, getMessage(), detail, retryable);
    }
}
