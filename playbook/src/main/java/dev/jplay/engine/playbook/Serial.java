package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;

/**
 * A play's {@code serial} as written: an Integer batch size, a String ("30%" or "5"), or a List of those
 * (successive batch sizes, the last one repeating). Shapes are checked by the parser; the strategy sizes batches.
 */
public record Serial(Object raw, Location location) {}
