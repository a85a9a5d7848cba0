package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;

/**
 * Answers a play's {@code vars_prompt}: the CLI asks on the terminal (without echo when {@code private}), unless
 * the variable was given with {@code -e}. Without a terminal it must fail, naming the variable, as Ansible does.
 */
public interface VarsPrompter {
    /**
     * @param defaultValue the prompt's {@code default}, or null
     * @return the answer (the default when the answer is empty and there is a default)
     */
    Object answer(String name, String prompt, boolean secret, Object defaultValue, boolean confirm, Location at);

    /** Answers nothing: a play with {@code vars_prompt} is an error unless the variable was given with {@code -e}. */
    VarsPrompter NONE = (name, prompt, secret, defaultValue, confirm, at) -> {
        throw new dev.jplay.engine.yaml.PlaybookException(at, "vars_prompt '" + name + "' needs a terminal to ask on"
                + " (or give it with -e " + name + "=...)");
    };
}
