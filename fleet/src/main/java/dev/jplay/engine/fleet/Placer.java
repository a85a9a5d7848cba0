package dev.jplay.engine.fleet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * Places {@code count} replicas of an app ({@code app-0 .. app-N-1}) over hosts: evenly by weight, within each
 * host's capacity, and stable across runs.
 *
 * <ol>
 *   <li><b>Quotas.</b> Each host gets exactly its weighted fair share, rounded (largest remainder), capped at
 *       its capacity with the excess spread over the others. Ties for the rounded-up units go to hosts that
 *       already run more of the app, then by a hash of app and host, so quotas themselves are stable.
 *   <li><b>Keep.</b> An instance stays on its previous host while that host is targeted and within quota; a
 *       host over quota keeps the instances that rank it highest.
 *   <li><b>Rendezvous.</b> Every other instance goes to the host it ranks highest among those with room,
 *       the strongest preferences served first (bounded-load rendezvous hashing).
 * </ol>
 *
 * So adding or removing hosts moves only the instances needed to even out the quotas (about N/hosts per
 * host), and scaling N adds or removes only the difference. Without a previous placement the result is a
 * pure function of the names, so it is also fairly stable when the state is lost.
 *
 * <p>Ranking all hosts for every instance costs N×H hashes (10^9 for 100,000 × 10,000), so hosts are hashed
 * into {@value #GROUPS} fixed groups by name and an instance ranks groups (weighted by their hosts' total
 * weight) and then the hosts within a group. Up to a few hundred hosts most groups hold one host and this is
 * plain rendezvous hashing; with many hosts per group, a placement without previous state moves up to about
 * twice the minimum when hosts come or go (with state, step 2 keeps moves at the minimum).
 */
public final class Placer {
    static final int GROUPS = 256;
    private static final long GROUP_SEED = 0x6a09e667f3bcc908L;

    private final String app;
    private final int count;
    private final List<PlacementHost> hosts;
    private final long[] hostHash;
    private final int[] hostGroup;
    private final int[] activeGroups;
    private final int[][] groupMembers;
    private final double[] groupWeight;
    private final long[] instanceHash;

    private Placer(String app, int count, List<PlacementHost> hosts) {
        this.app = app;
        this.count = count;
        this.hosts = List.copyOf(hosts);
        int h = hosts.size();
        hostHash = new long[h];
        hostGroup = new int[h];
        List<List<Integer>> members = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) members.add(new ArrayList<>());
        groupWeight = new double[GROUPS];
        for (int i = 0; i < h; i++) {
            PlacementHost host = hosts.get(i);
            hostHash[i] = Rendezvous.hash(host.name());
            hostGroup[i] = (int) (Rendezvous.mix(hostHash[i] ^ GROUP_SEED) >>> (64 - Integer.numberOfTrailingZeros(GROUPS)));
            if (host.weight() > 0 && host.capacity() > 0) {
                members.get(hostGroup[i]).add(i);
                groupWeight[hostGroup[i]] += host.weight();
            }
        }
        groupMembers = new int[GROUPS][];
        List<Integer> active = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groupMembers[g] = members.get(g).stream().mapToInt(Integer::intValue).toArray();
            if (groupMembers[g].length > 0) active.add(g);
        }
        activeGroups = active.stream().mapToInt(Integer::intValue).toArray();
        instanceHash = new long[count];
        for (int i = 0; i < count; i++) instanceHash[i] = Rendezvous.hash(Placement.instanceName(app, i));
    }

    /**
     * @param previous instance name to host from the last run (empty for none); unknown hosts are ignored
     * @throws PlacementException when the hosts cannot hold {@code count} replicas
     */
    public static Placement place(String app, int count, List<PlacementHost> hosts, Map<String, String> previous) {
        if (count < 0) throw new PlacementException("replicas of '" + app + "' must be >= 0, got " + count);
        return new Placer(app, count, hosts).run(previous);
    }

    private Placement run(Map<String, String> previous) {
        int h = hosts.size();
        Map<String, Integer> hostIndex = new HashMap<>(h * 2);
        for (int i = 0; i < h; i++) {
            if (hostIndex.putIfAbsent(hosts.get(i).name(), i) != null) {
                throw new PlacementException("host " + hosts.get(i).name() + " is listed twice");
            }
        }
        int[] prev = new int[count];
        long[] prevCount = new long[h];
        for (int i = 0; i < count; i++) {
            String was = previous.get(Placement.instanceName(app, i));
            Integer index = was == null ? null : hostIndex.get(was);
            prev[i] = index == null ? -1 : index;
            if (index != null) prevCount[index]++;
        }
        long[] quota = quotas(prevCount);
        int[] placed = new int[count];
        Arrays.fill(placed, -1);
        long[] load = new long[h];
        keepPrevious(prev, quota, placed, load);
        placeRest(quota, placed, load);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(hosts.get(placed[i]).name());
        return new Placement(app, out);
    }

    private long[] quotas(long[] prevCount) {
        int h = hosts.size();
        long[] quota = new long[h];
        boolean[] active = new boolean[h];
        long capacity = 0;
        for (int i = 0; i < h; i++) {
            PlacementHost host = hosts.get(i);
            active[i] = host.weight() > 0 && host.capacity() > 0;
            if (active[i]) capacity = saturatedAdd(capacity, host.capacity());
        }
        if (capacity < count) {
            throw new PlacementException("cannot place " + count + " replicas of '" + app + "': the " + h
                    + " targeted hosts hold at most " + capacity + " (weights, jplay_max_instances, max_per_host, per-host IP blocks)");
        }
        long remaining = count;
        // Water-filling: hosts whose fair share exceeds their capacity get their capacity; the rest share the remainder.
        boolean changed = true;
        while (changed && remaining > 0) {
            changed = false;
            double total = 0;
            for (int i = 0; i < h; i++) if (active[i]) total += hosts.get(i).weight();
            for (int i = 0; i < h; i++) {
                if (active[i] && hosts.get(i).capacity() <= remaining * hosts.get(i).weight() / total) {
                    quota[i] = hosts.get(i).capacity();
                    remaining -= quota[i];
                    active[i] = false;
                    changed = true;
                }
            }
        }
        if (remaining == 0) return quota;
        double total = 0;
        for (int i = 0; i < h; i++) if (active[i]) total += hosts.get(i).weight();
        List<Integer> candidates = new ArrayList<>();
        long[] fraction = new long[h];
        for (int i = 0; i < h; i++) {
            if (!active[i]) continue;
            double share = remaining * hosts.get(i).weight() / total;
            quota[i] = (long) Math.floor(share);
            // Rounded so that equal shares compare equal despite floating-point noise.
            fraction[i] = Math.round((share - Math.floor(share)) * 1e9);
            candidates.add(i);
        }
        long left = remaining;
        for (int i : candidates) left -= quota[i];
        long appHash = Rendezvous.hash(app);
        candidates.sort((a, b) -> {
            int c = Long.compare(fraction[b], fraction[a]);
            if (c != 0) return c;
            c = Long.compare(prevCount[b] - quota[b], prevCount[a] - quota[a]);
            if (c != 0) return c;
            return Double.compare(Rendezvous.uniform(appHash, hostHash[a]), Rendezvous.uniform(appHash, hostHash[b]));
        });
        for (int k = 0; left > 0; k = (k + 1) % candidates.size()) {
            int i = candidates.get(k);
            if (quota[i] < hosts.get(i).capacity()) {
                quota[i]++;
                left--;
            }
        }
        return quota;
    }

    private void keepPrevious(int[] prev, long[] quota, int[] placed, long[] load) {
        Map<Integer, List<Integer>> byHost = new HashMap<>();
        for (int i = 0; i < count; i++) if (prev[i] >= 0 && quota[prev[i]] > 0) byHost.computeIfAbsent(prev[i], k -> new ArrayList<>()).add(i);
        for (Map.Entry<Integer, List<Integer>> e : byHost.entrySet()) {
            int host = e.getKey();
            List<Integer> instances = e.getValue();
            if (instances.size() > quota[host]) {
                int g = hostGroup[host];
                instances.sort((a, b) -> {
                    int c = Double.compare(groupScore(a, g), groupScore(b, g));
                    return c != 0 ? c : Double.compare(hostScore(a, host), hostScore(b, host));
                });
            }
            int keep = (int) Math.min(instances.size(), quota[host]);
            for (int k = 0; k < keep; k++) placed[instances.get(k)] = host;
            load[host] = keep;
        }
    }

    private void placeRest(long[] quota, int[] placed, long[] load) {
        int[] pending = IntStream.range(0, count).filter(i -> placed[i] < 0).toArray();
        if (pending.length == 0) return;
        OpenGroups open = new OpenGroups(quota, load);
        double[] eg = new double[count];
        double[] eh = new double[count];
        int[] candidate = new int[count];
        // First choices are independent of each other: rank them in parallel.
        IntStream.of(pending).parallel().forEach(i -> {
            int g = bestGroup(i, activeGroups, activeGroups.length);
            eg[i] = groupScore(i, g);
            candidate[i] = bestHost(i, g, null, null);
            eh[i] = hostScore(i, candidate[i]);
        });
        PriorityQueue<Integer> queue = new PriorityQueue<>(pending.length, (a, b) -> {
            int c = Double.compare(eg[a], eg[b]);
            if (c != 0) return c;
            c = Double.compare(eh[a], eh[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        for (int i : pending) queue.add(i);
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int host = candidate[i];
            if (load[host] < quota[host]) {
                placed[i] = host;
                load[host]++;
                if (load[host] == quota[host]) open.hostFilled(hostGroup[host]);
                continue;
            }
            // Hosts only fill up, so every host ranked above a full one is full too: the next choice is simply
            // the best host that still has room.
            int g = bestGroup(i, open.groups, open.size);
            candidate[i] = bestHost(i, g, load, quota);
            eg[i] = groupScore(i, g);
            eh[i] = hostScore(i, candidate[i]);
            queue.add(i);
        }
    }

    /** Groups that still have a host with room; shrinks as hosts fill up, so late choices scan fewer groups. */
    private final class OpenGroups {
        final int[] groups;
        final int[] position = new int[GROUPS];
        final long[] room = new long[GROUPS];
        int size;

        OpenGroups(long[] quota, long[] load) {
            groups = new int[activeGroups.length];
            for (int g : activeGroups) {
                for (int h : groupMembers[g]) room[g] += quota[h] > load[h] ? 1 : 0;
                if (room[g] > 0) {
                    position[g] = size;
                    groups[size++] = g;
                }
            }
        }

        void hostFilled(int g) {
            if (--room[g] > 0) return;
            int last = groups[--size];
            groups[position[g]] = last;
            position[last] = position[g];
        }
    }

    /** The group an instance ranks first; the logarithm is skipped for groups whose bound cannot win. */
    private int bestGroup(int instance, int[] groups, int size) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        long key = instanceHash[instance];
        for (int k = 0; k < size; k++) {
            int g = groups[k];
            if (Rendezvous.scoreLowerBound(key, GROUP_SEED + g, groupWeight[g]) >= bestScore) continue;
            double s = Rendezvous.score(key, GROUP_SEED + g, groupWeight[g]);
            if (s < bestScore) {
                bestScore = s;
                best = g;
            }
        }
        return best;
    }

    /** The member of a group an instance ranks first, among those with room when {@code load} is given. */
    private int bestHost(int instance, int group, long[] load, long[] quota) {
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int host : groupMembers[group]) {
            if (load != null && load[host] >= quota[host]) continue;
            double weight = hosts.get(host).weight();
            if (Rendezvous.scoreLowerBound(instanceHash[instance], hostHash[host], weight) > bestScore) continue;
            double s = hostScore(instance, host);
            if (s < bestScore || s == bestScore && host < best) {
                bestScore = s;
                best = host;
            }
        }
        return best;
    }

    private double groupScore(int instance, int group) {
        return Rendezvous.score(instanceHash[instance], GROUP_SEED + group, groupWeight[group]);
    }

    private double hostScore(int instance, int host) {
        return Rendezvous.score(instanceHash[instance], hostHash[host], hosts.get(host).weight());
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
