package dev.jplay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.StateDrift;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jplay plan}'s look at the hosts: each replicated app's recorded state against what its hosts' agents run
 * ({@link StateDrift}), so a plan made from a stale or lost state file says so instead of planning from it silently.
 * Every host is asked at once and waited for at most {@code --check-timeout}; a host that does not answer is named,
 * never judged.
 */
final class StateCheck {
    /** One app's state and the hosts it is checked on. */
    record App(String app, FleetState state, List<Host> hosts) {}

    /** What the check found: per app its disagreements, and the hosts that could not be asked. */
    record Report(Map<String, List<StateDrift.Disagreement>> disagreements, Map<String, String> unchecked, int hostsAsked) {
        boolean clean() {
            return disagreements.values().stream().allMatch(List::isEmpty) && unchecked.isEmpty();
        }

        void print(PrintStream err) {
            disagreements.forEach((app, list) -> {
                for (StateDrift.Disagreement d : list) err.println("jplay: warning: the state and the hosts disagree: " + app + ": " + d.message());
            });
            unchecked.forEach((host, why) -> err.println("jplay: warning: cannot check the state against " + host + ": " + why));
            if (disagreements.values().stream().anyMatch(l -> !l.isEmpty())) {
                err.println("jplay: warning: the plan above is made from the state file; `jplay state rebuild` rewrites it from the hosts");
            }
        }

        void writeJson(JsonGenerator g) throws IOException {
            g.writeObjectFieldStart("state_check");
            g.writeNumberField("hosts_asked", hostsAsked);
            g.writeArrayFieldStart("disagreements");
            for (Map.Entry<String, List<StateDrift.Disagreement>> e : disagreements.entrySet()) {
                for (StateDrift.Disagreement d : e.getValue()) {
                    g.writeStartObject();
                    g.writeStringField("app", e.getKey());
                    g.writeStringField("kind", d.kind().name().toLowerCase());
                    g.writeStringField("instance", d.instance());
                    g.writeStringField("host", d.host());
                    g.writeStringField("message", d.message());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeObjectFieldStart("unchecked_hosts");
            for (Map.Entry<String, String> e : unchecked.entrySet()) g.writeStringField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private StateCheck() {}

    static Report run(Inventory inv, List<App> apps, SshSettings ssh, BecomeDefaults become, Duration wait)
            throws InterruptedException {
        Map<String, Host> hosts = new LinkedHashMap<>();
        for (App a : apps) for (Host h : a.hosts()) hosts.putIfAbsent(h.name(), h);
        Map<String, List<StateDrift.Disagreement>> found = new LinkedHashMap<>();
        if (hosts.isEmpty()) return new Report(found, Map.of(), 0);
        HostInstances seen;
        try (FleetAgents agents = new FleetAgents(inv, ssh, become, Math.min(50, hosts.size()))) {
            seen = HostInstances.ask(agents, new ArrayList<>(hosts.values()), wait);
        }
        for (App a : apps) {
            List<String> names = a.hosts().stream().map(Host::name).toList();
            found.put(a.app(), StateDrift.between(a.app(), a.state(), seen.answered(), seen.of(a.app(), names)));
        }
        return new Report(found, seen.failures(), hosts.size());
    }
}
