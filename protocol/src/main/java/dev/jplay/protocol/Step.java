package dev.jplay.protocol;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a task failed, from reaching its host to the container's health: the one vocabulary of every failure
 * ({@link Failure}) of the controller, the agent, its modules and the container runtime. {@link #id()} is the name
 * reports, JSON output and the agent protocol show (lower case, stable: users match on it).
 */
public enum Step {
    // reaching the host and its agent (the controller)
    CONNECT, AUTH, HOSTKEY, UPLOAD, AGENT, BECOME,
    // the task on the controller
    ARGS, TEMPLATE, CONDITION, ASSERT, FAIL, RUN_ONCE, ROLLBACK,
    // a module on the host
    EXEC, SETUP, STORE,
    // an image: pull (in order), then unpack
    RESOLVE, MANIFEST, FETCH, VERIFY, UNPACK,
    // a container
    MOUNT, NETWORK, LAUNCH, CREATE, START, STOP, DELETE, INSPECT, HEALTH;

    private static final Map<String, Step> BY_ID = new HashMap<>();

    static {
        for (Step s : values()) BY_ID.put(s.id(), s);
    }

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The name users see, e.g. {@code run_once}. */
    public String id() { return id; }

    /** The step named {@code id}, or null for a name outside the vocabulary. */
    public static Step fromId(String id) { return id == null ? null : BY_ID.get(id); }

    @Override
    public String toString() { return id; }
}
