package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a task's result leaves on its host (and, for {@code run_once}, on the other hosts of its batch): the
 * {@code register}ed variable, {@code set_fact} facts, and the handlers it notifies when it changed something.
 */
final class TaskRegistration {
    private TaskRegistration() {}

    static void finish(HostRun host, List<HostRun> alsoFor, ModuleTask task, Map<String, Object> registered) {
        if (registered == null) return;
        boolean notify = Boolean.TRUE.equals(registered.get("changed")) && !Boolean.TRUE.equals(registered.get("failed"));
        List<HostRun> all = new ArrayList<>(alsoFor.size() + 1);
        all.add(host);
        all.addAll(alsoFor);
        boolean moduleFacts = !"set_fact".equals(task.module());
        for (HostRun h : all) {
            if (moduleFacts) HostFacts.absorb(registered, h);
            else if (h != host) shareFacts(registered, h); // the host that ran it has them from set_fact already
            if (task.register() != null) h.facts.put(task.register(), registered);
            if (notify) for (String n : task.notifies()) h.notify(n);
        }
    }

    /** {@code set_fact} facts in a result (or in each loop item's) given to another host of a run_once batch. */
    private static void shareFacts(Map<String, Object> registered, HostRun to) {
        if (registered.get("ansible_facts") instanceof Map<?, ?> facts) {
            facts.forEach((k, v) -> {
                if (!"cacheable".equals(k)) to.facts.put(String.valueOf(k), v);
            });
        }
        if (registered.get("results") instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) m;
                    shareFacts(r, to);
                }
            }
        }
    }
}
