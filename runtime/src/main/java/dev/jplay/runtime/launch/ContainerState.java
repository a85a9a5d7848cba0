package dev.jplay.runtime.launch;

import java.util.Locale;

/** Where a container is in its lifecycle, as reported to the controller. */
public enum ContainerState {
    /** No such container. */
    ABSENT,
    /** Bundle ready (config.json written), never started or reset by a recreate. */
    CREATED,
    /** The container's process runs. */
    RUNNING,
    /** The supervisor waits (backoff) before the next run under the restart policy. */
    RESTARTING,
    /** It ran and exited (see exit code), or was stopped. */
    STOPPED;

    public String id() { return name().toLowerCase(Locale.ROOT); }
}
