package dev.jplay.runtime.network;

/**
 * What {@link CniNetworks#check} found.
 *
 * @param attachment the recorded attachment; null when {@code ABSENT}
 * @param problem why it is {@code BROKEN} (the plugin's CHECK error, a missing namespace); null otherwise
 */
public record NetworkStatus(String container, State state, NetworkAttachment attachment, String problem) {
    public enum State {
        /** No attachment recorded for this container. */
        ABSENT,
        /** Recorded, namespace mounted, and the bridge plugin's CHECK passes. */
        ATTACHED,
        /** Recorded but not what was attached: a reboot dropped the namespace, someone deleted the veth... */
        BROKEN
    }
}
