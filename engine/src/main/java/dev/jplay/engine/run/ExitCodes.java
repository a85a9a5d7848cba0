package dev.jplay.cli;

/**
 * What {@code jplay}'s exit status means. Host failures and unreachable hosts are bits, so a run with
 * both exits 6. Scripts can test {@code $? -eq 0} for "everything ok".
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
    /** An internal error: a bug in jplay. */
    public static final int INTERNAL = 70;

    private ExitCodes() {}
}
