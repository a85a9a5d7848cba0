package dev.jplay.engine.run;

/**
 * The run's stop switch: thrown by Ctrl-C ({@link PlaybookRunner#interrupt}) and by the batch loop when the rollout
 * must not go on; read before each play, batch and task, so that the calls in flight finish and nothing new starts.
 */
final class StopSignal {
    private volatile boolean stopRun;

    void stop() {
        stopRun = true;
    }

    boolean stopped() {
        return stopRun;
    }
}
