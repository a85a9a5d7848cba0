package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.util.Locale;

/** Ansible/Docker {@code restart_policy}. A stop requested through jplay is never undone by any policy. */
public enum RestartPolicy {
    /** Never restart. */
    NO("no"),
    /** Restart after a non-zero exit, at most {@code restart_retries} times (0 = unlimited). */
    ON_FAILURE("on-failure"),
    /** Restart after every exit. */
    ALWAYS("always"),
    /**
     * Docker's {@code unless-stopped}: as {@code always}. A container jplay stopped stays stopped after a reboot under
     * either (a playbook's {@code state: stopped} is what it declares), so the two differ only in name here.
     */
    UNLESS_STOPPED("unless-stopped");

    private final String id;

    RestartPolicy(String id) { this.id = id; }

    public String id() { return id; }

    public static RestartPolicy parse(String value) {
        String normalized = value == null ? "no" : value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (RestartPolicy policy : values()) {
            if (policy.id.equals(normalized)) return policy;
        }
        throw new LaunchException(Step.ARGS, "BAD_RESTART_POLICY",
                "restart_policy must be no, on-failure, always or unless-stopped, got '" + value + "'");
    }
}
