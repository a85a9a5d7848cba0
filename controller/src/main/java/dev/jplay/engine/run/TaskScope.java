package dev.jplay.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What enclosing blocks (and the play) pass down to the tasks inside them: {@code when} conditions AND
 * together, tags and vars accumulate (inner vars win), environment merges, ignore_errors inherits.
 */
record TaskScope(List<Object> when, Set<String> tags, Map<String, Object> vars, Map<String, Object> environment,
                 boolean ignoreErrors) {

    static TaskScope root(List<String> playTags) {
        return new TaskScope(List.of(), Set.copyOf(playTags), Map.of(), Map.of(), false);
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
        return new TaskScope(w, t, v, e, ignoreErrors || moreIgnore);
    }
}
