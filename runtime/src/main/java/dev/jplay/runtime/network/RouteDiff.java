package dev.jplay.runtime.network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What turns the routes jplay has on a host into the ones it wants: routes to add or re-point ({@code ip route
 * replace}) and routes to delete. Only jplay's own routes inside one pool are ever passed in, so nothing else is
 * touched; {@code keep} lists blocks whose routes stay as they are (held by hosts this run does not know the address
 * of, e.g. another app's hosts in the same pool).
 */
public record RouteDiff(List<Route> replace, List<Route> delete) {

    /** {@code dst} (a block, CIDR) reached through {@code via} (the address of the host that holds it). */
    public record Route(String dst, String via) {
        @Override
        public String toString() {
            return dst + " via " + via;
        }
    }

    public RouteDiff {
        replace = List.copyOf(replace);
        delete = List.copyOf(delete);
    }

    public static RouteDiff of(List<Route> current, List<Route> wanted, Set<String> keep) {
        Map<String, String> have = new LinkedHashMap<>();
        for (Route r : current) have.put(r.dst(), r.via());
        Map<String, String> want = new LinkedHashMap<>();
        for (Route r : wanted) {
            String other = want.put(r.dst(), r.via());
            if (other != null && !other.equals(r.via())) {
                throw new NetworkException(NetworkException.BAD_ROUTE, r.dst() + " is wanted via both " + other + " and " + r.via())
                        .detail("dst", r.dst());
            }
        }
        List<Route> replace = new ArrayList<>();
        want.forEach((dst, via) -> {
            if (!via.equals(have.get(dst))) replace.add(new Route(dst, via));
        });
        List<Route> delete = new ArrayList<>();
        have.forEach((dst, via) -> {
            if (!want.containsKey(dst) && !keep.contains(dst)) delete.add(new Route(dst, via));
        });
        return new RouteDiff(replace, delete);
    }

    public boolean isEmpty() {
        return replace.isEmpty() && delete.isEmpty();
    }
}
