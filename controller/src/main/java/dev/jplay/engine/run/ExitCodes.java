package dev.jplay.engine.run;

import dev.jplay.reports.HostRecap;
import java.util.Map;

/**
 * What {@code jplay}'s exit status means, and the one place that decides it (and the outcome a report names for
 * it). Host failures and unreachable hosts are bits, so a run with both exits 6. Scripts can test {@code $? -eq 0}
 * for "everything ok".
 */
public final class ExitCodes {
    /** Every host ok (or changed, skipped, ignored). */
    public static final int OK = 0;
    /** Bad input: a playbook, inventory or option error found before any host was touched. */
    public static final int BAD_INPUT = 1;
    /** At least one host failed a task. */
    public static final int HOST_FAILED = 2;
    /** The run was interrupted (Ctrl-C / SIGTERM); the report says how far it got. */
    public static final int INTERRUPTED = 3;
    /** At least one host was unreachable (connect, auth, host key or agent start failed). */
    public static final int HOST_UNREACHABLE = 4;
    /**
     * Another run holds the lock of the fleet state this run would write (and did not release it within
     * {@code --lock-timeout}); nothing ran. Never combined with the host bits, which need a run.
     */
    public static final int STATE_LOCKED = 8;
    /** An internal error: a bug in jplay. */
    public static final int INTERNAL = 70;

    private ExitCodes() {}

    /** A run's exit status from its recap: interrupted wins, else the failed and unreachable bits. */
    public static int of(Map<String, HostRecap> recap, boolean interrupted) {
        if (interrupted) return INTERRUPTED;
        int code = OK;
        for (HostRecap r : recap.values()) {
            if (r.failed() > 0) code |= HOST_FAILED;
            if (r.unreachable() > 0) code |= HOST_UNREACHABLE;
        }
        return code;
    }

    /** The outcome a report (and a scheduled run's record) names for an exit status. */
    public static String outcome(int code) {
        return switch (code) {
            case OK -> "ok";
            case HOST_FAILED -> "failed";
            case HOST_UNREACHABLE -> "unreachable";
            case HOST_FAILED | HOST_UNREACHABLE -> "failed_unreachable";
            case INTERRUPTED -> "interrupted";
            case STATE_LOCKED -> "locked";
            default -> "error";
        };
    }
}
