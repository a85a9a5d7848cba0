package dev.jplay.engine.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where an app's recorded fleet state and its hosts disagree: an instance missing from the host the state puts it on,
 * one the state does not know (or puts elsewhere), one whose address is not its lease. Only hosts that answered
 * ({@code asked}) are judged: an unreachable host proves nothing.
 */
public final class StateDrift {
    public enum Kind { MISSING, UNKNOWN, ELSEWHERE, ADDRESS }

    /** One disagreement, with the words to show. */
    public record Disagreement(Kind kind, String instance, String host, String message) {}

    private StateDrift() {}

    /**
     * @param state the app's recorded state, or null when there is none
     * @param asked the hosts whose agents answered
     * @param observed the app's instances those hosts run
     */
    public static List<Disagreement> between(String app, FleetState state, Set<String> asked, List<ObservedInstance> observed) {
        List<Disagreement> out = new ArrayList<>();
        Map<String, List<ObservedInstance>> seen = new LinkedHashMap<>();
        for (ObservedInstance o : observed) seen.computeIfAbsent(o.name(), n -> new ArrayList<>()).add(o);
        Map<String, FleetState.Instance> recorded = state == null ? Map.of() : state.byName();
        for (FleetState.Instance i : recorded.values()) {
            List<ObservedInstance> copies = seen.getOrDefault(i.name(), List.of());
            ObservedInstance onItsHost = copies.stream().filter(o -> o.host().equals(i.host())).findFirst().orElse(null);
            if (onItsHost == null && asked.contains(i.host())) {
                String elsewhere = copies.isEmpty() ? "" : "; it is on " + String.join(", ", copies.stream().map(ObservedInstance::host).toList());
                out.add(new Disagreement(Kind.MISSING, i.name(), i.host(), i.name() + " is not on " + i.host() + ", where the state puts it" + elsewhere));
            }
            if (onItsHost != null && i.ip() != null && !Objects.equals(i.ip(), onItsHost.ip())) {
                out.add(new Disagreement(Kind.ADDRESS, i.name(), i.host(), i.name() + " on " + i.host() + " has "
                        + (onItsHost.ip() == null ? "no address" : onItsHost.ip()) + ", the state leases it " + i.ip()));
            }
            for (ObservedInstance o : copies) {
                if (o.host().equals(i.host())) continue;
                out.add(new Disagreement(Kind.ELSEWHERE, i.name(), o.host(), i.name() + " is also on " + o.host() + "; the state puts it on " + i.host()));
            }
        }
        for (Map.Entry<String, List<ObservedInstance>> e : seen.entrySet()) {
            if (recorded.containsKey(e.getKey())) continue;
            for (ObservedInstance o : e.getValue()) {
                out.add(new Disagreement(Kind.UNKNOWN, o.name(), o.host(), o.name() + " is on " + o.host() + ", but the state of '" + app
                        + "' does not list it" + (o.ip() == null ? "" : " (" + o.ip() + ")")));
            }
        }
        return out;
    }

}
