package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;

/**
 * {@code loop:} with its {@code loop_control}. {@code items} is a List, or a String template that must render to
 * a list. {@code indexVar} and {@code label} are null when not set. {@code parallel} (a jplay extension, default 1:
 * Ansible's one item after the other) is how many items of one host run at once, e.g. the containers of a
 * host's replicas; results keep the items' order.
 */
public record Loop(Object items, String loopVar, String indexVar, String label, int parallel, Location location) {
    public static final String DEFAULT_LOOP_VAR = "item";

    public Loop {
        if (parallel < 1) throw new IllegalArgumentException("parallel must be >= 1: " + parallel);
    }

    public Loop(Object items, String loopVar, String indexVar, String label, Location location) {
        this(items, loopVar, indexVar, label, 1, location);
    }
}
