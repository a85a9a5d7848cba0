package dev.jplay.engine.playbook;

import java.nio.file.Path;
import java.util.Map;

/**
 * A role as one place in a play uses it: its name, its directory (templates and files of its tasks are looked up
 * there first; the {@code role_path} variable), its {@code defaults/main.yml} (the lowest precedence), its
 * {@code vars/main.yml} and the params it was given ({@code vars:} and any other key of a {@code roles:} entry,
 * {@code vars:} of {@code include_role}/{@code import_role}). {@code exposed}: the role's defaults and vars are seen
 * by the whole play, as Ansible does for roles listed under {@code roles:} and imported with {@code import_role}
 * (an {@code include_role} keeps them to its own tasks unless {@code public: true}).
 */
public record RoleContext(String name, Path path, Map<String, Object> defaults, Map<String, Object> vars,
                          Map<String, Object> params, boolean exposed) {
    public RoleContext {
        defaults = Frozen.map(defaults);
        vars = Frozen.map(vars);
        params = Frozen.map(params);
    }

    /** The magic variables Ansible sets for a role's tasks. */
    public Map<String, Object> magicVars() {
        return Map.of("role_name", name, "role_path", path.toString());
    }
}
