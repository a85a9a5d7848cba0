package dev.jplay.engine.run;

import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task's result on one host, from its module (on the agent, on the controller, or {@code raw}) to the report:
 * what {@code register} shows ({@link #registered()}: changed, failed, rc, stdout, msg, the module's own keys, in the
 * module's order) and, when it failed, where and why as a typed {@link Failure}, which never appears among the
 * registered keys. {@code changed_when}, {@code failed_when} and {@code until} change it through its methods.
 */
final class TaskResult {
    private final Map<String, Object> values;
    private Failure failure;

    private TaskResult(Map<String, Object> values, Failure failure) {
        this.values = values;
        this.failure = failure;
    }

    /** Agent output is untrusted: copy only known, typed fields; module data goes under its own keys. */
    static TaskResult of(AgentResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.data() != null) {
            for (Map.Entry<String, Object> e : r.data().entrySet()) {
                if (!e.getKey().startsWith("_")) m.put(e.getKey(), e.getValue());
            }
        }
        m.put("changed", r.changed());
        m.put("failed", r.failed());
        if (r.rc() != null) m.put("rc", r.rc());
        if (r.stdout() != null) {
            m.put("stdout", r.stdout());
            m.put("stdout_lines", r.stdout().isEmpty() ? List.of() : List.of(r.stdout().split("\n", -1)));
        }
        if (r.stderr() != null) {
            m.put("stderr", r.stderr());
            m.put("stderr_lines", r.stderr().isEmpty() ? List.of() : List.of(r.stderr().split("\n", -1)));
        }
        if (r.msg() != null) m.put("msg", r.msg());
        if (r.diff() != null) m.put("diff", r.diff());
        if (r.error() != null) m.putIfAbsent("msg", r.error().message());
        return new TaskResult(m, r.error());
    }

    /** A result a module on the controller built key by key ({@code changed} and {@code failed} among them). */
    static TaskResult of(Map<String, Object> values) {
        return new TaskResult(values, null);
    }

    /** A failed result made on the controller, located like an agent's. */
    static TaskResult failed(Failure failure) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("failed", true);
        r.put("changed", false);
        r.put("msg", failure.message());
        return new TaskResult(r, failure);
    }

    /** {@code values} (what a module on the controller has so far) failed: {@code failed} and {@code msg} set. */
    static TaskResult failed(Map<String, Object> values, Failure failure) {
        values.put("failed", true);
        values.put("msg", failure.message());
        return new TaskResult(values, failure);
    }

    boolean changed() { return Boolean.TRUE.equals(values.get("changed")); }

    boolean failed() { return Boolean.TRUE.equals(values.get("failed")); }

    Integer rc() { return values.get("rc") instanceof Integer i ? i : null; }

    String stdout() { return values.get("stdout") instanceof String s ? s : null; }

    String stderr() { return values.get("stderr") instanceof String s ? s : null; }

    String msg() { return values.get("msg") == null ? null : String.valueOf(values.get("msg")); }

    @SuppressWarnings("unchecked")
    Map<String, Object> diff() { return values.get("diff") instanceof Map<?, ?> d ? (Map<String, Object>) d : null; }

    /** Where and why it failed, as its module said; null when it did not fail or its module gave no location. */
    Failure failure() { return failure; }

    /** What {@code register} stores and conditions see; the result itself, so a later change shows in it. */
    Map<String, Object> registered() { return values; }

    /** {@code changed_when}'s verdict. */
    void changed(boolean changed) { values.put("changed", changed); }

    /** Fails the result at {@code failure}; a message the module gave stays. */
    void fail(Failure failure) {
        values.put("failed", true);
        values.putIfAbsent("msg", failure.message());
        this.failure = failure;
    }

    /** {@code failed_when} that did not hold: not failed, whatever the module said. */
    void pass() {
        values.put("failed", false);
        failure = null;
    }

    /** {@code until} that never held: failed after {@code attempts}, at the step the last attempt reached. */
    void retriesExhausted(int attempts) {
        String msg = "gave up after " + attempts + " attempts: until condition never held";
        values.put("failed", true);
        values.put("msg", msg);
        Step step = failure == null ? Step.EXEC : failure.step();
        failure = Failure.builder(step, "RETRIES_EXHAUSTED", msg).detail(failure == null ? null : failure.detail()).build();
    }

    void attempts(int attempts) { values.put("attempts", attempts); }

    /**
     * The located failure of a failed result, for the report: the module's, else {@code NON_ZERO_RC} (a command
     * that exited non-zero) or {@code MODULE_FAILED} at {@code exec}; with the rc and the stderr's tail.
     */
    Failure located(String module) {
        Step step = failure == null ? Step.EXEC : failure.step();
        String code = failure != null ? failure.code() : rc() != null && rc() != 0 ? "NON_ZERO_RC" : "MODULE_FAILED";
        Failure.Builder f = Failure.builder(step, code, msg() != null && !msg().isBlank() ? msg() : "module " + module + " failed")
                .detail(failure == null ? null : failure.detail())
                .detail("rc", values.get("rc"));
        if (stderr() != null && !stderr().isBlank()) f.detail("stderr_tail", TaskReporter.tail(stderr(), 2000));
        return f.build();
    }
}
