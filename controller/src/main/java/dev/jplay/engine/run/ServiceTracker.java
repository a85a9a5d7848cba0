package dev.jplay.engine.run;

import dev.jplay.reports.TaskOutcome;

/**
 * Follows the run for the playing play's {@link ServicePlay}: a host reported unreachable loses its instances from the
 * service, and the next task of the play starts only after the other hosts' services were synced.
 */
final class ServiceTracker implements RunListener {
    private volatile ServicePlay current;

    void playing(ServicePlay service) {
        this.current = service;
    }

    @Override
    public void hostResult(TaskOutcome o) {
        ServicePlay s = current;
        if (s != null && TaskOutcome.UNREACHABLE.equals(o.status())) s.hostLost(o.host());
    }

    @Override
    public void taskStarted(String play, String task, String location, boolean handler) {
        ServicePlay s = current;
        if (s != null && !(task.startsWith("service ") && task.endsWith(" (jplay)"))) s.syncIfChanged();
    }
}
