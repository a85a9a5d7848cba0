package dev.jplay.modules;

import dev.jplay.protocol.AgentError;
import java.util.LinkedHashMap;
import java.util.Map;

/** A failure that knows its step and a stable code, e.g. {@code new ModuleException("args", "ARG_MISSING", "path is required")}. */
public class ModuleException extends Exception {
    private final String step;
    private final String code;
    private final Map<String, Object> detail = new LinkedHashMap<>();

    public ModuleException(String step, String code, String message) {
        this(step, code, message, null);
    }

    public ModuleException(String step, String code, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.code = code;
    }

    public ModuleException detail(String key, Object value) {
        if (value != null) detail.put(key, value);
        return this;
    }

    public String step() { return step; }
    public String code() { return code; }
    public Map<String, Object> detailMap() { return detail; }

    public AgentError toError() {
        return new AgentError(step, code, getMessage(), detail.isEmpty() ? null : Map.copyOf(detail));
    }
}
