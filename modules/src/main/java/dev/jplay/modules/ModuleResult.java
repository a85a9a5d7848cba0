package dev.jplay.modules;

import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Protocol;
import java.util.LinkedHashMap;
import java.util.Map;

/** A module's outcome; converted to an {@link AgentResult} by the agent. */
public final class ModuleResult {
    private final boolean changed;
    private final boolean failed;
    private final Integer rc;
    private final String stdout;
    private final String stderr;
    private final String msg;
    private final Map<String, Object> diff;
    private final Map<String, Object> data;

    private ModuleResult(Builder b) {
        this.changed = b.changed;
        this.failed = b.failed;
        this.rc = b.rc;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.msg = b.msg;
        this.diff = b.diff;
        this.data = b.data.isEmpty() ? null : b.data;
    }

    public static Builder ok() { return new Builder(false); }
    public static Builder changed(boolean changed) { return new Builder(changed); }

    public boolean isChanged() { return changed; }
    public boolean isFailed() { return failed; }
    public Integer rc() { return rc; }
    public String stdout() { return stdout; }
    public String stderr() { return stderr; }
    public String msg() { return msg; }
    public Map<String, Object> diff() { return diff; }
    public Map<String, Object> data() { return data; }

    public AgentResult toAgentResult(long id, long durationMs) {
        String status = failed ? "failed" : changed ? "changed" : "ok";
        return new AgentResult("result", id, status, changed, rc, bound(stdout), bound(stderr), msg, diff, data,
                null, durationMs);
    }

    static String bound(String s) {
        if (s == null || s.length() <= Protocol.MAX_OUTPUT_CHARS) return s;
        return s.substring(0, Protocol.MAX_OUTPUT_CHARS) + "\n[... " + (s.length() - Protocol.MAX_OUTPUT_CHARS)
                + " more characters cut by the agent]";
    }

    public static final class Builder {
        private boolean changed;
        private boolean failed;
        private Integer rc;
        private String stdout;
        private String stderr;
        private String msg;
        private Map<String, Object> diff;
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(boolean changed) { this.changed = changed; }

        public Builder changed(boolean v) { this.changed = v; return this; }
        /** A non-exceptional failure, e.g. a command that exited non-zero. */
        public Builder failed(boolean v) { this.failed = v; return this; }
        public Builder rc(Integer v) { this.rc = v; return this; }
        public Builder stdout(String v) { this.stdout = v; return this; }
        public Builder stderr(String v) { this.stderr = v; return this; }
        public Builder msg(String v) { this.msg = v; return this; }
        public Builder diff(Object before, Object after) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("before", before);
            d.put("after", after);
            this.diff = d;
            return this;
        }
        public Builder put(String key, Object value) { data.put(key, value); return this; }
        public ModuleResult build() { return new ModuleResult(this); }
    }
}
