package dev.jplay.engine.run;

/** The run was interrupted (Ctrl-C or SIGTERM): the strategy stops and the report is still written. */
final class RunInterruptedException extends RuntimeException {
    RunInterruptedException() {
        super("interrupted");
    }
}
