package dev.jplay.engine.playbook;

import java.util.List;

/**
 * {@code until}/{@code retries}/{@code delay}. {@code until} is null when only retries were given: the task is then
 * retried until it succeeds. Ansible's defaults apply: 3 retries, 5 seconds apart.
 */
public record Retry(List<Object> until, int retries, int delaySeconds) {
    public static final int DEFAULT_RETRIES = 3;
    public static final int DEFAULT_DELAY_SECONDS = 5;

    public Retry {
        until = until == null ? null : List.copyOf(until);
    }
}
