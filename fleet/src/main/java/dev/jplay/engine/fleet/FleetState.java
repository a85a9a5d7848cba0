package dev.jplay.engine.fleet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jplay last deployed of one app: where each instance runs and which address it holds. Saved as
 * {@code .jplay/state/APP.json} by {@link FleetStateStore}; the next run keeps what it can of it.
 *
 * @param version the file format, {@link #VERSION}
 * @param pool the pool the addresses came from, or null when the app has none
 * @param hostBlocks per-host pools: the block (CIDR) each host holds
 * @param instances in index order
 * @param service the service the app's hosts serve (so that a later run knows which rules to delete), or null
 */
public record FleetState(int version, String app, PoolRef pool, Map<String, String> hostBlocks, List<Instance> instances,
                         Service service) {
    public static final int VERSION = 1;

    public FleetState(int version, String app, PoolRef pool, Map<String, String> hostBlocks, List<Instance> instances) {
        this(version, app, pool, hostBlocks, instances, null);
    }

    public FleetState {
        hostBlocks = hostBlocks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hostBlocks));
        instances = instances == null ? List.of() : List.copyOf(instances);
    }

    /** Which pool addresses were leased from; a lease is kept only while all three still match. */
    public record PoolRef(String name, String cidr, Integer perHostPrefix) {}

    /**
     * One instance. {@code ip}, {@code prefixLen} and {@code gateway} are null when the app has no pool. {@code revision}
     * (null: 0) counts the start-first replacements of the instance on its host: its container is named
     * {@link #containerName()}, so that the new container can start beside the old one.
     */
    public record Instance(String name, int index, String host, String ip, Integer prefixLen, String gateway, Integer revision) {
        public Instance(String name, int index, String host, String ip, Integer prefixLen, String gateway) {
            this(name, index, host, ip, prefixLen, gateway, null);
        }

        /** The container that runs this instance: its name, then {@code .rN} after the N-th start-first replacement. */
        public String containerName() {
            return containerName(name, revision == null ? 0 : revision);
        }

        public static String containerName(String instance, int revision) {
            return revision == 0 ? instance : instance + ".r" + revision;
        }

        /** The revision a container name says: N for {@code NAME.rN}, 0 for the instance's own name. */
        public static int revisionOf(String container) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*\\.r([1-9][0-9]{0,8})").matcher(container);
            return m.matches() ? Integer.parseInt(m.group(1)) : 0;
        }

        /** This instance moved to {@code ip} in its {@code revision}-th container (a start-first replacement). */
        public Instance replaced(String newIp, int newRevision) {
            return new Instance(name, index, host, newIp, prefixLen, gateway, newRevision == 0 ? null : newRevision);
        }
    }

    /** This state with some instances replaced (name → the instance as it is now); the others as they are. */
    public FleetState withReplaced(Map<String, Instance> replaced) {
        if (replaced.isEmpty()) return this;
        List<Instance> out = new java.util.ArrayList<>(instances.size());
        for (Instance i : instances) {
            Instance now = replaced.get(i.name());
            out.add(now != null && now.host().equals(i.host()) ? now : i);
        }
        return new FleetState(version, app, pool, hostBlocks, out, service);
    }

    /**
     * A play's {@code service:} as applied to the app's hosts; {@code trafficPolicy} is null for the default (cluster),
     * so a state written before the policy existed reads the same.
     */
    public record Service(String name, int port, int targetPort, String protocol, String trafficPolicy) {
        public Service(String name, int port, int targetPort, String protocol) {
            this(name, port, targetPort, protocol, null);
        }

        /** The service a play's {@code service:} records (null for none or {@code state: absent}). */
        public static Service of(dev.jplay.engine.playbook.ServiceSpec spec) {
            return spec == null || spec.absent() ? null : new Service(spec.name(), spec.port(), spec.targetPort(),
                    spec.protocol(), spec.local() ? dev.jplay.engine.playbook.ServiceSpec.LOCAL : null);
        }
    }

    /** This state with {@code service} (null: none). */
    public FleetState withService(Service service) {
        return new FleetState(version, app, pool, hostBlocks, instances, service);
    }

    /**
     * The instances of this (planned) state that {@code previous} (the last clean run's) already had on the same host
     * with the same address: a service's backends from the start of a run, before any container task ran.
     */
    public java.util.Set<String> keptFrom(FleetState previous) {
        java.util.Set<String> kept = new java.util.LinkedHashSet<>();
        if (previous == null) return kept;
        Map<String, Instance> before = previous.byName();
        for (Instance now : instances) {
            Instance was = before.get(now.name());
            if (was != null && now.ip() != null && now.host().equals(was.host()) && now.ip().equals(was.ip())) kept.add(now.name());
        }
        return kept;
    }

    /** Instance name to instance. */
    public Map<String, Instance> byName() {
        Map<String, Instance> out = new LinkedHashMap<>();
        for (Instance i : instances) out.put(i.name(), i);
        return out;
    }
}
