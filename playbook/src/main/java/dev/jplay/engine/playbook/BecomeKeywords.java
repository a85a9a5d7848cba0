package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.YamlMapping;

/**
 * The {@code become}, {@code become_user}, {@code become_method} and {@code become_flags} keywords in effect for a
 * task: its own, else its block's, else its play's. Each is null when none of them sets it (the inventory's
 * {@code ansible_become*} variables and the command line decide then).
 */
public record BecomeKeywords(Boolean become, String user, String method, String flags) {
    public static final BecomeKeywords NONE = new BecomeKeywords(null, null, null, null);

    /** The keywords {@code node} sets itself over these. */
    BecomeKeywords under(YamlMapping node) {
        return new BecomeKeywords(
                node.has("become") ? Boolean.valueOf(Fields.bool("become", node.get("become"), false)) : become,
                node.has("become_user") ? Fields.text("become_user", node.get("become_user")) : user,
                node.has("become_method") ? method(node) : method,
                node.has("become_flags") ? Fields.text("become_flags", node.get("become_flags")) : flags);
    }

    private static String method(YamlMapping node) {
        String m = Fields.text("become_method", node.get("become_method"));
        if (m != null && !dev.jplay.engine.playbook.Become.METHODS.contains(m.strip())) {
            throw Fields.wrongType("become_method", node.get("become_method"), "sudo, su or doas");
        }
        return m == null ? null : m.strip();
    }
}
