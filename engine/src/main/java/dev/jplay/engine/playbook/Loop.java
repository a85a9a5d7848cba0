package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;

/**
 * {@code loop:} with its {@code loop_control}. {@code items} is a List, or a String template that must render to
 * a list. {@code indexVar} and {@code label} are null when not set.
 */
public record Loop(Object items, String loopVar, String indexVar, String label, Location location) {
    public static final String DEFAULT_LOOP_VAR = "item";
}
