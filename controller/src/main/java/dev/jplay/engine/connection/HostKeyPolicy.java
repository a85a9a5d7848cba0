package dev.jplay.engine.connection;

/** What to do with a host key that known_hosts does not list. A changed key is always refused. */
public enum HostKeyPolicy {
    /** Refuse unknown hosts (OpenSSH {@code StrictHostKeyChecking=yes}). */
    STRICT,
    /** Record the key of an unknown host and go on (OpenSSH {@code StrictHostKeyChecking=accept-new}). */
    ACCEPT_NEW
}
