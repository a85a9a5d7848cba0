package dev.jplay.engine.run;

/** Play-wide switches shared by the hosts of one batch. */
final class BatchState {
    private volatile boolean aborted; // any_errors_fatal tripped

    void abort() {
        aborted = true;
    }

    boolean aborted() {
        return aborted;
    }
}
