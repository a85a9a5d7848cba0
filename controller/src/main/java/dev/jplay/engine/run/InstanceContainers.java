package dev.jplay.engine.run;

import dev.jplay.engine.fleet.FleetState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which container runs each instance of a replicas play on each host: the instance's own name, or {@code NAME.rN} after
 * a start-first replacement started the new container beside the old one ({@link FleetState.Instance#containerName()}).
 * A task names the instance ({@code name: "{{ instance.name }}"}); jplay sends its container's name to the host, so
 * re-runs, {@code state: absent} of removed instances and rollbacks reach the container that runs. Start-first
 * replacements made in this run are kept here (the new address and revision) for the fleet state.
 */
final class InstanceContainers {
    /** host → instance → container name, only where they differ. */
    private final Map<String, Map<String, String>> renamed = new ConcurrentHashMap<>();
    /** instance → as it is after a start-first replacement in this run. */
    private final Map<String, FleetState.Instance> replaced = new ConcurrentHashMap<>();

    InstanceContainers(FleetState previous, FleetState next) {
        for (FleetState state : new FleetState[] {previous, next}) {
            if (state == null) continue;
            for (FleetState.Instance i : state.instances()) {
                if (!i.containerName().equals(i.name())) renamed.computeIfAbsent(i.host(), h -> new ConcurrentHashMap<>()).put(i.name(), i.containerName());
            }
        }
    }

    /** The container that runs {@code instance} on {@code host} now. */
    String containerOf(String host, String instance) {
        Map<String, String> m = renamed.get(host);
        String c = m == null ? null : m.get(instance);
        return c == null ? instance : c;
    }

    /** A {@code container} call's args with the instance's name replaced by its container's; others as they are. */
    Map<String, Object> rewrite(String host, String module, Map<String, Object> args) {
        if (!"container".equals(module) || !(args.get("name") instanceof String name)) return args;
        String container = containerOf(host, name);
        if (container.equals(name)) return args;
        Map<String, Object> copy = new LinkedHashMap<>(args);
        copy.put("name", container);
        return copy;
    }

    /** The instance a container of {@code host} runs (its name without the revision), or the name itself. */
    String instanceOf(String host, String container) {
        Map<String, String> m = renamed.get(host);
        if (m != null) for (Map.Entry<String, String> e : m.entrySet()) if (e.getValue().equals(container)) return e.getKey();
        return container;
    }

    /** A start-first replacement succeeded: the instance now runs in {@code now.containerName()} at {@code now.ip()}. */
    void replacedBy(FleetState.Instance now) {
        replaced.put(now.name(), now);
        renamed.computeIfAbsent(now.host(), h -> new ConcurrentHashMap<>()).put(now.name(), now.containerName());
    }

    /** The replacements of this run, to record in the fleet state whatever else the run did. */
    Map<String, FleetState.Instance> replacements() {
        return Map.copyOf(replaced);
    }
}
