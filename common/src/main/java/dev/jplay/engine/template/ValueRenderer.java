package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import java.util.Map;

/**
 * Renders a variable's value before a condition reads it (Ansible renders templates inside variable values
 * lazily). The playbook's {@code Templater} is one; sources without templates (the inventory) use {@link #NONE}.
 */
@FunctionalInterface
public interface ValueRenderer {
    /** Values are used as they are. */
    ValueRenderer NONE = (value, vars, where) -> value;

    Object render(Object value, Map<String, Object> vars, Location where);
}
