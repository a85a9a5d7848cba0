package dev.jplay.engine.playbook;

import java.util.Locale;

/**
 * The play keyword {@code rollback}: what jplay does when a {@code serial} batch ends with a failed host (e.g. a
 * container that failed its health gate). It rolls back the containers that this run's {@code container} tasks
 * changed ({@code container: state=rolled_back}), and reports each as a result of its own ("rollback: NAME").
 * <ul>
 *   <li>{@code none} (default): nothing is undone; the failure budget alone decides whether the rollout goes on.
 *       Opt-in, because undoing is only right for plays whose containers are meant to move together.</li>
 *   <li>{@code batch}: every host of the failed batch goes back; the rollout then goes on or stops per the failure
 *       budget ({@code --max-failures}, {@code max_fail_percentage}).</li>
 *   <li>{@code all}: every host the play changed so far goes back, and the rollout stops.</li>
 * </ul>
 */
public enum RollbackPolicy {
    NONE, BATCH, ALL;

    /** Null when {@code text} is not a policy name. */
    public static RollbackPolicy parse(String text) {
        if (text == null) return null;
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "none", "false" -> NONE;
            case "batch" -> BATCH;
            case "all" -> ALL;
            default -> null;
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
