package dev.jplay.engine.run;

import dev.jplay.engine.connection.StartupReport;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.TaskOutcome;
import java.util.List;
import java.util.Map;

/** Follows a run as it happens: the terminal printer, the JSON event stream and the report collector. */
public interface RunListener {
    default void runStarted(String playbook) {}

    default void playStarted(String play, List<String> hosts) {}

    default void batchStarted(String play, int batch, List<String> hosts) {}

    default void taskStarted(String play, String task, String location, boolean handler) {}

    /** Called from worker threads; implementations synchronise. */
    default void hostResult(TaskOutcome outcome) {}

    default void warning(String message) {}

    /** A Java runtime was pushed to {@code host}, which had none (called from connect threads). */
    default void runtimePushed(String host, StartupReport.RuntimePush push) {}

    default void runFinished(Map<String, HostRecap> recap, int exitCode) {}

    /** A host of the next batch fetched a container task's image ahead of its turn ({@link ImagePrestager}; any thread). */
    default void imagePrestaged(String host, Map<String, Object> data) {}

    static RunListener all(List<RunListener> listeners) {
        return new RunListener() {
            @Override public void runStarted(String p) { listeners.forEach(l -> l.runStarted(p)); }
            @Override public void playStarted(String p, List<String> h) { listeners.forEach(l -> l.playStarted(p, h)); }
            @Override public void batchStarted(String p, int b, List<String> h) { listeners.forEach(l -> l.batchStarted(p, b, h)); }
            @Override public void taskStarted(String p, String t, String loc, boolean h) { listeners.forEach(l -> l.taskStarted(p, t, loc, h)); }
            @Override public void hostResult(TaskOutcome o) { listeners.forEach(l -> l.hostResult(o)); }
            @Override public void warning(String m) { listeners.forEach(l -> l.warning(m)); }
            @Override public void runtimePushed(String h, StartupReport.RuntimePush p) { listeners.forEach(l -> l.runtimePushed(h, p)); }
            @Override public void runFinished(Map<String, HostRecap> r, int c) { listeners.forEach(l -> l.runFinished(r, c)); }
            @Override public void imagePrestaged(String h, Map<String, Object> d) { listeners.forEach(l -> l.imagePrestaged(h, d)); }
        };
    }
}
