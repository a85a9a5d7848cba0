package dev.jplay.engine.fleet;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a new fleet state changes compared with the persisted one, instance by instance. */
public record PlanDiff(List<Change> changes) {
    public PlanDiff {
        changes = List.copyOf(changes);
    }

    public enum Kind {
        /** A new instance. */
        ADD,
        /** An instance scaled away (its address is released). */
        REMOVE,
        /** An instance that runs on another host (and may get another address with it). */
        MOVE,
        /** Same host, another address, prefix length or gateway (e.g. the pool's CIDR changed). */
        READDRESS,
        UNCHANGED
    }

    /** One instance's change; the {@code from*} fields are null for ADD, the {@code to*} fields for REMOVE. */
    public record Change(Kind kind, String instance, String fromHost, String toHost, String fromIp, String toIp) {}

    /**
     * @param before the persisted state, or null for a first run
     */
    public static PlanDiff between(FleetState before, FleetState after) {
        Map<String, FleetState.Instance> old = before == null ? Map.of() : before.byName();
        List<Change> changes = new ArrayList<>(after.instances().size());
        for (FleetState.Instance now : after.instances()) {
            FleetState.Instance was = old.get(now.name());
            if (was == null) {
                changes.add(new Change(Kind.ADD, now.name(), null, now.host(), null, now.ip()));
                continue;
            }
            Kind kind;
            if (!was.host().equals(now.host())) kind = Kind.MOVE;
            else if (!Objects.equals(was.ip(), now.ip()) || !Objects.equals(was.prefixLen(), now.prefixLen())
                    || !Objects.equals(was.gateway(), now.gateway())) kind = Kind.READDRESS;
            else kind = Kind.UNCHANGED;
            changes.add(new Change(kind, now.name(), was.host(), now.host(), was.ip(), now.ip()));
        }
        if (before != null) {
            Map<String, FleetState.Instance> current = after.byName();
            for (FleetState.Instance was : before.instances()) {
                if (!current.containsKey(was.name())) changes.add(new Change(Kind.REMOVE, was.name(), was.host(), null, was.ip(), null));
            }
        }
        return new PlanDiff(changes);
    }

    /** How many instances each kind of change touches (every kind present, zero included). */
    public Map<Kind, Integer> counts() {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) counts.put(k, 0);
        for (Change c : changes) counts.merge(c.kind(), 1, Integer::sum);
        return counts;
    }

    public int count(Kind kind) {
        return counts().get(kind);
    }

    public boolean isEmpty() {
        return changes.stream().allMatch(c -> c.kind() == Kind.UNCHANGED);
    }
}
