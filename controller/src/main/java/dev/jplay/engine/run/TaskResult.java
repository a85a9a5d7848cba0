package dev.jplay.engine.run;

import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task's result on one host, from its module (on the agent, on the controller, or {@code raw}) to the report:
 * typed status (changed, failed), the command fields (rc, stdout, stderr), msg, diff and attempts, the module's own
 * keys as {@link #output()}, and, when it failed, where and why as a typed {@link Failure}, which never appears among
 * the registered keys. What {@code register} shows is derived from it ({@link #registered()}). {@code changed_when},
 * {@code failed_when} and {@code until} change it through its methods.
 */
final class TaskResult {
    /** The typed fields, under the names {@code register} shows them by. */
    private enum Field {
        CHANGED("changed"), FAILED("failed"), RC("rc"), STDOUT("stdout"), STDOUT_LINES("stdout_lines"), STDERR("stderr"),
        STDERR_LINES("stderr_lines"), MSG("msg"), DIFF("diff"), ATTEMPTS("attempts");

        final String key;

        Field(String key) { this.key = key; }
    }

    /** The typed fields that have a value (which may be null: raw's rc when the command was killed). */
    private final Map<Field, Object> fields = new EnumMap<>(Field.class);
    /** The module's own keys (e.g. {@code path}, {@code ansible_facts}, {@code warnings}), in its order. */
    private final Map<String, Object> output = new LinkedHashMap<>();
    /**
     * Every key in the order it first got a value, which is the order {@code register} has always shown: the module
     * builds its result key by key, and a key set later (failed_when's msg, attempts) comes last.
     */
    private final Set<String> order = new LinkedHashSet<>();
    private Failure failure;

    private TaskResult() {}

    /** Agent output is untrusted: copy only known, typed fields; module data goes under its own keys. */
    static TaskResult of(AgentResult r) {
        TaskResult t = new TaskResult();
        if (r.data() != null) {
            for (Map.Entry<String, Object> e : r.data().entrySet()) {
                if (!e.getKey().startsWith("_")) t.output(e.getKey(), e.getValue());
            }
        }
        t.set(Field.CHANGED, r.changed());
        t.set(Field.FAILED, r.failed());
        if (r.rc() != null) t.set(Field.RC, r.rc());
        if (r.stdout() != null) t.stdout(r.stdout(), r.stdout().isEmpty() ? List.of() : List.of(r.stdout().split("\n", -1)));
        if (r.stderr() != null) t.stderr(r.stderr(), r.stderr().isEmpty() ? List.of() : List.of(r.stderr().split("\n", -1)));
        if (r.msg() != null) t.set(Field.MSG, r.msg());
        if (r.diff() != null) t.set(Field.DIFF, r.diff());
        if (r.error() != null && !t.fields.containsKey(Field.MSG)) t.set(Field.MSG, r.error().message());
        t.failure = r.error();
        return t;
    }

    /** A result a module on the controller fills field by field; nothing set yet. */
    static TaskResult empty() {
        return new TaskResult();
    }

    /** A module on the controller that has not (yet) changed or failed anything. */
    static TaskResult ok() {
        return empty().changed(false).pass();
    }

    /** A failed result made on the controller, located like an agent's. */
    static TaskResult failed(Failure failure) {
        TaskResult t = new TaskResult();
        t.set(Field.FAILED, true);
        t.set(Field.CHANGED, false);
        t.set(Field.MSG, failure.message());
        t.failure = failure;
        return t;
    }

    boolean changed() { return Boolean.TRUE.equals(fields.get(Field.CHANGED)); }

    boolean failed() { return Boolean.TRUE.equals(fields.get(Field.FAILED)); }

    Integer rc() { return (Integer) fields.get(Field.RC); }

    String stdout() { return (String) fields.get(Field.STDOUT); }

    String stderr() { return (String) fields.get(Field.STDERR); }

    String msg() { return (String) fields.get(Field.MSG); }

    @SuppressWarnings("unchecked")
    Map<String, Object> diff() { return (Map<String, Object>) fields.get(Field.DIFF); }

    /** The module's own keys, unmodifiable. */
    Map<String, Object> output() { return java.util.Collections.unmodifiableMap(output); }

    /** Where and why it failed, as its module said; null when it did not fail or its module gave no location. */
    Failure failure() { return failure; }

    /**
     * What {@code register} stores and conditions see, built from the typed fields and the output: a fresh map each
     * call, so call it after the last change. A typed field wins over an output key of the same name (as it always
     * has for an agent's data).
     */
    Map<String, Object> registered() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : order) {
            Field f = field(key);
            m.put(key, f != null && fields.containsKey(f) ? fields.get(f) : output.get(key));
        }
        return m;
    }

    /** {@code changed_when}'s verdict, or a module's. */
    TaskResult changed(boolean changed) { return set(Field.CHANGED, changed); }

    /** A command's exit status (null: it ended without one). */
    TaskResult rc(Integer rc) { return set(Field.RC, rc); }

    /** A command's stdout and its lines as the module splits them. */
    TaskResult stdout(String stdout, List<String> lines) { return set(Field.STDOUT, stdout).set(Field.STDOUT_LINES, lines); }

    /** A command's stderr and its lines as the module splits them. */
    TaskResult stderr(String stderr, List<String> lines) { return set(Field.STDERR, stderr).set(Field.STDERR_LINES, lines); }

    TaskResult msg(String msg) { return set(Field.MSG, msg); }

    /** One of the module's own keys. */
    TaskResult output(String key, Object value) {
        output.put(key, value);
        order.add(key);
        return this;
    }

    /** Fails the result at {@code failure}; a message the module gave stays. */
    TaskResult fail(Failure failure) {
        set(Field.FAILED, true);
        if (!fields.containsKey(Field.MSG)) set(Field.MSG, failure.message());
        this.failure = failure;
        return this;
    }

    /** Not failed: a module that succeeded, or {@code failed_when} that did not hold, whatever the module said. */
    TaskResult pass() {
        set(Field.FAILED, false);
        failure = null;
        return this;
    }

    /** {@code until} that never held: failed after {@code attempts}, at the step the last attempt reached. */
    void retriesExhausted(int attempts) {
        String msg = "gave up after " + attempts + " attempts: until condition never held";
        set(Field.FAILED, true);
        set(Field.MSG, msg);
        Step step = failure == null ? Step.EXEC : failure.step();
        failure = Failure.builder(step, "RETRIES_EXHAUSTED", msg).detail(failure == null ? null : failure.detail()).build();
    }

    void attempts(int attempts) { set(Field.ATTEMPTS, attempts); }

    /**
     * The located failure of a failed result, for the report: the module's, else {@code NON_ZERO_RC} (a command
     * that exited non-zero) or {@code MODULE_FAILED} at {@code exec}; with the rc and the stderr's tail.
     */
    Failure located(String module) {
        Step step = failure == null ? Step.EXEC : failure.step();
        String code = failure != null ? failure.code() : rc() != null && rc() != 0 ? "NON_ZERO_RC" : "MODULE_FAILED";
        Failure.Builder f = Failure.builder(step, code, msg() != null && !msg().isBlank() ? msg() : "module " + module + " failed")
                .detail(failure == null ? null : failure.detail())
                .detail("rc", rc());
        if (stderr() != null && !stderr().isBlank()) f.detail("stderr_tail", TaskReporter.tail(stderr(), 2000));
        return f.build();
    }

    private TaskResult set(Field field, Object value) {
        fields.put(field, value);
        order.add(field.key);
        return this;
    }

    private static Field field(String key) {
        for (Field f : Field.values()) {
            if (f.key.equals(key)) return f;
        }
        return null;
    }
}
