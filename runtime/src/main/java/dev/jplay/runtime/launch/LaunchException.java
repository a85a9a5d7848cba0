package dev.jplay.runtime.launch;

import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container launch step failed: {@link #step()} is {@code create}, {@code start}, {@code stop}, {@code delete},
 * {@code inspect}, or {@code args} for a spec that cannot run. {@link #code()} is stable (UPPER_SNAKE, safe to match
 * on); {@link #detail()} carries what helps a human: runtime exit code, the tail of the runtime's stderr, the bundle
 * path.
 */
public class LaunchException extends RuntimeException {

    private final Step step;
    private final String code;
    private final Map<String, Object> detail = new LinkedHashMap<>();

    public LaunchException(Step step, String code, String message) {
        this(step, code, message, null);
    }

    public LaunchException(Step step, String code, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
        this.code = code;
    }

    public LaunchException runtimeExitCode(int exitCode) { return detail("runtime_exit_code", exitCode); }

    public LaunchException stderrTail(String stderr) { return detail("stderr", Tail.lastLines(stderr, 20, 4000)); }

    public LaunchException bundle(Path bundle) { return detail("bundle", bundle == null ? null : bundle.toString()); }

    public LaunchException detail(String key, Object value) {
        if (value != null) detail.put(key, value);
        return this;
    }

    public Step step() { return step; }

    public String code() { return code; }

    /** Unmodifiable view; keys are snake_case to match the agent protocol. */
    public Map<String, Object> detail() { return java.util.Collections.unmodifiableMap(detail); }

    /** This failure in the shared vocabulary: step, code, message and detail as reports show them. */
    public Failure failure() {
        return Failure.builder(step, code, getMessage()).detail(detail).build();
    }

    /**
     * The message, plus the runtime's stderr where it adds something: a start failure already quotes runc's own
     * error log, which is the same text as its stderr, and each cause should be printed once (the report keeps
     * the stderr in {@link #detail()}).
     */
    @Override
    public String getMessage() {
        String message = super.getMessage();
        Object stderr = detail.get("stderr");
        if (stderr == null || stderr.toString().isBlank() || saysAll(message, stderr.toString())) return message;
        return message + ": " + stderr;
    }

    private static boolean saysAll(String message, String stderr) {
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !message.contains(line.strip())) return false;
        }
        return true;
    }
}
