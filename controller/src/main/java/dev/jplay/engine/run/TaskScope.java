package dev.jplay.engine.run;

import dev.jplay.engine.playbook.IncludeStep;
import dev.jplay.engine.playbook.RoleContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What enclosing blocks (and the play) pass down to the tasks inside them: {@code when} conditions AND
 * together, tags and vars accumulate (inner vars win), environment merges, ignore_errors inherits. {@code role} is
 * the innermost role the tasks belong to (null outside roles); {@code includes} the dynamic includes that led here.
 */
record TaskScope(List<Object> when, Set<String> tags, Map<String, Object> vars, Map<String, Object> environment,
                 boolean ignoreErrors, RoleContext role, List<IncludeStep> includes) {

    static TaskScope root(List<String> playTags) {
        return new TaskScope(List.of(), Set.copyOf(playTags), Map.of(), Map.of(), false, null, List.of());
    }

    /** Inside a role: its params become the outermost vars of its tasks (see VariableScope). */
    TaskScope enterRole(RoleContext r) {
        TaskScope s = enter(List.of(), List.of(), r.params(), Map.of(), false);
        return new TaskScope(s.when, s.tags, s.vars, s.environment, s.ignoreErrors, r, includes);
    }

    /** Inside a file read by {@code include_tasks} or {@code include_role}. */
    TaskScope enterInclude(IncludeStep step) {
        List<IncludeStep> chain = new ArrayList<>(includes);
        chain.add(step);
        return new TaskScope(when, tags, vars, environment, ignoreErrors, role, List.copyOf(chain));
    }

    TaskScope enter(List<Object> moreWhen, List<String> moreTags, Map<String, Object> moreVars,
                    Map<String, Object> moreEnv, boolean moreIgnore) {
        List<Object> w = new ArrayList<>(when);
        w.addAll(moreWhen);
        Set<String> t = new LinkedHashSet<>(tags);
        t.addAll(moreTags);
        Map<String, Object> v = new LinkedHashMap<>(vars);
        v.putAll(moreVars);
        Map<String, Object> e = new LinkedHashMap<>(environment);
        e.putAll(moreEnv);
        return new TaskScope(w, t, v, e, ignoreErrors || moreIgnore, role, includes);
    }
}
