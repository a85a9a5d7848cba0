package dev.jplay.cli;

import dev.jplay.engine.fleet.PlacementException;
import dev.jplay.engine.fleet.PlacementHost;
import dev.jplay.engine.fleet.PlacementHosts;
import dev.jplay.engine.fleet.ReplicaSpec;
import dev.jplay.engine.ippool.IpPool;
import dev.jplay.engine.ippool.IpPoolException;
import dev.jplay.engine.ippool.IpPools;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.template.Templater;
import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plays of a playbook that declare {@code replicas:}, resolved as apply resolves them: the spec and the pools
 * rendered over the play's vars, vars_files and {@code -e}, the play's hosts narrowed by {@code --limit}. What
 * {@code jplay plan} plans and {@code jplay state rebuild} rebuilds.
 */
final class ReplicaPlays {
    /** One replicas play: its app's spec, its hosts, their weights and capacities, its pool (null: none). */
    record ReplicaPlay(String name, ReplicaSpec spec, List<Host> hosts, List<PlacementHost> placementHosts, IpPool pool,
                       dev.jplay.engine.playbook.ServiceSpec service) {
        List<String> hostNames() {
            return hosts.stream().map(Host::name).toList();
        }
    }

    private ReplicaPlays() {}

    static List<ReplicaPlay> of(Playbook book, Inventory inv, String limit, Map<String, Object> extra, PlaybookParser parser,
                                Templater templater) {
        List<ReplicaPlay> out = new ArrayList<>();
        Map<String, IpPool> poolsSeen = new LinkedHashMap<>();
        for (Play play : book.plays()) {
            if (play.replicas() == null) continue;
            Location at = play.locationOf(ReplicaSpec.KEYWORD);
            // As apply does: replicas and the pools may be templates over the play's vars, vars_files and -e.
            VariableScope scope = VariableScope.empty()
                    .with(Layer.PLAY_VARS, parser.playVars(play, extra, templater))
                    .with(Layer.EXTRA_VARS, extra);
            ReplicaSpec spec;
            try {
                spec = ReplicaSpec.fromPlayMap(Map.of(ReplicaSpec.KEYWORD, templater.render(play.replicas(), scope, at)))
                        .orElseThrow();
            } catch (PlacementException e) {
                throw new PlaybookException(play.keywordLocation(ReplicaSpec.KEYWORD), e.getMessage());
            }
            List<Host> hosts = inv.select(play.hosts());
            if (limit != null) {
                List<String> allowed = inv.select(limit).stream().map(Host::name).toList();
                hosts = hosts.stream().filter(h -> allowed.contains(h.name())).toList();
            }
            List<PlacementHost> placementHosts = new ArrayList<>(hosts.size());
            for (Host h : hosts) placementHosts.add(PlacementHosts.fromVars(h.name(), inv.hostVars(h.name())));
            IpPool pool = null;
            if (spec.pool() != null) {
                Object declared = IpPools.variableFor(scope, hosts.stream().map(Host::name).toList(), inv::hostVars);
                Map<String, IpPool> pools = IpPools.parse(templater.render(declared, scope, at));
                for (IpPool p : pools.values()) {
                    IpPool before = poolsSeen.putIfAbsent(p.name(), p);
                    if (before != null && !before.equals(p)) {
                        throw new IpPoolException("ip pool '" + p.name() + "' is declared twice, differently: " + before + " and " + p);
                    }
                }
                IpPools.checkNoOverlap(poolsSeen.values());
                pool = pools.get(spec.pool());
            }
            out.add(new ReplicaPlay(play.displayName(), spec, hosts, placementHosts, pool, play.service()));
        }
        return out;
    }
}
